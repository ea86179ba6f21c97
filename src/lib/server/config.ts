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
	SHUTDOWN_DEADLINE_MS: z.coerce.number().int().min(0).default(10_000)
});

export type RawConfig = z.infer<typeof configSchema>;

export interface AppConfig extends RawConfig {
	dataDir: string;
	filesDir: string;
	pgliteDir: string;
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
		pgliteDir: path.join(dataDir, 'pglite')
	};
}
