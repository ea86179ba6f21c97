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

const postgresMemory = z
	.string()
	.regex(/^[1-9][0-9]*(kB|MB|GB)$/, 'a Postgres memory size such as 16MB or 512kB');

export const configSchema = z.object({
	PORT: z.coerce.number().int().min(0).max(65535).default(3000),
	HOST: z.string().default('0.0.0.0'),
	ORIGIN: optionalString,
	DATA_DIR: z.string().default('./data'),
	DATABASE_URL: optionalString,
	/**
	 * The embedded PGlite's page cache and per-sort memory (Postgres units: 16MB, 512kB). Its
	 * WebAssembly memory never shrinks, so these bound what it keeps resident (pglite-thread.ts).
	 */
	PGLITE_SHARED_BUFFERS: postgresMemory.default('16MB'),
	PGLITE_WORK_MEM: postgresMemory.default('4MB'),
	S3_ENDPOINT: optionalString,
	S3_PORT: z.coerce.number().int().positive().optional(),
	S3_USE_SSL: booleanFromEnv,
	S3_ACCESS_KEY: optionalString,
	S3_SECRET_KEY: optionalString,
	S3_BUCKET: z.string().default('connectflow'),
	S3_REGION: z.string().default('us-east-1'),
	/**
	 * Ask S3 to encrypt every object at rest with its own keys (SSE-S3: the header
	 * `x-amz-server-side-encryption: AES256` on each upload). MinIO needs a KMS configured for it.
	 */
	S3_SSE: booleanFromEnv,
	/**
	 * The key that encrypts files in the local folder (AES-256-GCM): 32 bytes as 64 hex digits or
	 * base64. Unset: a key is generated once into DATA_DIR/files.key (0600) and used from then on.
	 */
	FILES_ENCRYPTION_KEY: optionalString,
	REDIS_URL: optionalString,
	SESSION_DAYS: z.coerce.number().int().min(1).max(365).default(30),
	MAX_FILE_MB: z.coerce.number().positive().default(10),
	/**
	 * The most megabytes per second this process takes in of all uploads together (after a
	 * burst of 4 MB): uploads that come faster wait, so that they cannot crowd out message
	 * delivery; the pace goes lower while the event loop runs late. Unset: 10 per core
	 * (files/receive-pace.ts, files/upload-pace-governor.ts).
	 */
	UPLOAD_RECEIVE_MB_PER_S: z.coerce.number().positive().optional(),
	API_BODY_LIMIT_KB: z.coerce.number().int().positive().default(64),
	TRUST_PROXY: booleanFromEnv,
	/**
	 * Bearer token for GET /metrics (Prometheus). Unset: /metrics answers 404, so metrics are
	 * never public by accident.
	 */
	METRICS_TOKEN: optionalString,
	/** The one place the log level is set (logging/logger.ts): debug, info, warn, error, silent. */
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
