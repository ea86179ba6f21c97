import { pino, type Logger } from 'pino';
import { loadConfig } from '../config.ts';

export type { Logger };

const GLOBAL_KEY = Symbol.for('connectflow.logger');

/**
 * The one structured logger of the server (JSON lines on stdout, pino). Requests and
 * collaboration connections log through children that carry their id (`requestId`,
 * `connectionId`), so every line of one request or connection can be found together.
 *
 * The SvelteKit bundle and the process entry each load their own copy of this module; both
 * share the instance kept on `globalThis`, so LOG_LEVEL and the output are set once.
 */
export const logger: Logger =
	((globalThis as Record<symbol, unknown>)[GLOBAL_KEY] as Logger | undefined) ??
	((globalThis as Record<symbol, unknown>)[GLOBAL_KEY] = pino({
		name: 'connectflow',
		level: levelFromEnvironment(),
		base: undefined,
		timestamp: pino.stdTimeFunctions.isoTime
	}));

/** LOG_LEVEL as config.ts reads it; an invalid environment is reported by the server's start. */
function levelFromEnvironment(): string {
	try {
		return loadConfig().LOG_LEVEL;
	} catch {
		return 'info';
	}
}
