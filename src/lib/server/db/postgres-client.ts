import postgres from 'postgres';
import { openDatabaseSocket } from './database-socket.ts';

/** The `postgres` client's settings for every connection of ours, to PGlite or to Postgres. */
export const SQL_OPTIONS = {
	onnotice: () => {},
	transform: { undefined: null },
	// After failed attempts the client waits before connecting again; its default grows to 20 s,
	// which kept the server away from a database that was back for that long. At most 0.5 s.
	backoff: (retries: number) => Math.min(0.5, 0.05 * 2 ** retries) * (0.5 + Math.random() / 2),
	// A database out of reach answers nothing: a request waiting for a connection gets its
	// answer (503) after this long, not after the client's default of 30 s.
	connect_timeout: 5
} as const;

/** int8 (counts, bigserial ids) as a JS number: every value we keep stays far below 2^53. */
export const NUMERIC_BIGINT = {
	to: 20,
	from: [20],
	serialize: (value: number | bigint) => value.toString(),
	parse: (value: string) => Number(value)
};

/**
 * A client of a real Postgres server at `url`, with up to `max` connections: the server's own
 * (database.ts), and the export process's (exports/export-process.entry.ts), which names itself
 * in `pg_stat_activity` through `applicationName`.
 */
export function connectPostgres(
	url: string,
	options: { max: number; applicationName?: string }
): postgres.Sql {
	return postgres(url, {
		...SQL_OPTIONS,
		max: options.max,
		types: { bigint: NUMERIC_BIGINT },
		...(options.applicationName
			? { connection: { application_name: options.applicationName } }
			: {}),
		// Not in the client's types, but its documented way to supply the connection's socket.
		...({ socket: openDatabaseSocket } as object)
	});
}
