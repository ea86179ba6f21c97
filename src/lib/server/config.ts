import path from 'node:path';
import { z } from 'zod';

/**
 * Every setting ConnectFlow reads from the environment, with its default. The same names are
 * documented in .env.example; nothing else in the server reads process.env directly.
 */
const booleanFromEnv = z
	.enum(['true', 'false', '1', '0', 'yes', 'no', ''])
	.optional()
	.transform((value) => value === 'true' || value === '1' || value === 'yes');

const optionalString = z
	.string()
	.optional()
	.transform((value) => (value && value.trim() !== '' ? value.trim() : undefined));

export const configSchema = z.object({
	PORT: z.coerce.number().int().min(0).max(65535).default(3000),
	HOST: z.string().default('0.0.0.0'),
	ORIGIN: optionalString,
	DATA_DIR: z.string().default('./data'),
	DATABASE_URL: optionalString,
	S3_ENDPOINT: optionalString,
	S3_PORT: z.coerce.number().int().positive().optional(),
	S3_USE_SSL: booleanFromEnv,
	S3_ACCESS_KEY: optionalString,
	S3_SECRET_KEY: optionalString,
	S3_BUCKET: z.string().default('connectflow'),
	S3_REGION: z.string().default('us-east-1'),
	REDIS_URL: optionalString,
	SESSION_DAYS: z.coerce.number().int().min(1).max(365).default(30),
	MAX_FILE_MB: z.coerce.number().positive().default(10),
	API_BODY_LIMIT_KB: z.coerce.number().int().positive().default(64),
	TRUST_PROXY: booleanFromEnv,
	LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
	SHUTDOWN_DEADLINE_MS: z.coerce.number().int().min(0).default(10_000),
	/** Seconds between the job queue's supervision passes (expired jobs, dead workers' jobs). */
	JOBS_SUPERVISE_SECONDS: z.coerce.number().int().min(1).max(3600).default(5),
	/** smtp://user:pass@host:587 or smtps://…; unset: no email is sent. */
	SMTP_URL: optionalString,
	/**
	 * How long an email of missed messages waits for more, in seconds, for people who did not
	 * choose an interval on their settings page (they choose between 5 and 60 minutes). The
	 * browser tests set a few seconds, so that an email they wait for arrives in a test's time.
	 */
	EMAIL_BATCH_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
	/** The sender of notification emails. */
	MAIL_FROM: z.string().default('ConnectFlow <notifications@connectflow.invalid>'),
	/** Base of the links in emails and push notifications; falls back to ORIGIN. */
	PUBLIC_URL: optionalString,
	/** The contact the push services see in the VAPID token (mailto: or https:). */
	PUSH_CONTACT: z.string().default('mailto:admin@connectflow.invalid'),
	/**
	 * Accept push endpoints on private, loopback and link-local addresses. Off by default: a
	 * push subscription is a URL the server will post to, so it must not reach inside the
	 * network. Only for a push service of one's own on the local network (and the tests' local
	 * receiver).
	 */
	PUSH_ALLOW_PRIVATE_ENDPOINTS: booleanFromEnv,
	/**
	 * An OpenAI-compatible endpoint (…/v1) whose model writes breakout summaries. All three of
	 * LLM_BASE_URL, LLM_MODEL and LLM_API_KEY set, or the built-in summarizer writes them.
	 */
	LLM_BASE_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
	LLM_MODEL: optionalString,
	LLM_API_KEY: optionalString,
	/** Seconds the model may take before the built-in summarizer writes the summary instead. */
	LLM_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(300).default(20)
});

export type RawConfig = z.infer<typeof configSchema>;

export interface AppConfig extends RawConfig {
	dataDir: string;
	filesDir: string;
	pgliteDir: string;
	/** Where people reach the app, without a trailing slash: links in emails and pushes. */
	publicUrl: string;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
	const parsed = configSchema.safeParse(env);
	if (!parsed.success) {
		const problems = parsed.error.issues
			.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
			.join('; ');
		throw new Error(`Invalid configuration: ${problems}`);
	}
	const dataDir = path.resolve(parsed.data.DATA_DIR);
	return {
		...parsed.data,
		dataDir,
		filesDir: path.join(dataDir, 'files'),
		pgliteDir: path.join(dataDir, 'pglite'),
		publicUrl: (
			parsed.data.PUBLIC_URL ??
			parsed.data.ORIGIN ??
			`http://localhost:${parsed.data.PORT}`
		).replace(/\/+$/, '')
	};
}
