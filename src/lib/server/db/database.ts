import fs from 'node:fs/promises';
import postgres from 'postgres';
import { openDatabaseSocket } from './database-socket.ts';
import { runMigrations } from './migrate.ts';
import { startPgliteThread } from './pglite-thread.ts';

export type Sql = postgres.Sql;

export interface Database {
	sql: Sql;
	kind: 'pglite' | 'postgres';
	/** Real Postgres: its connection string, for what needs connections of its own (pg-boss). */
	url?: string;
	close(): Promise<void>;
}

export interface DatabaseOptions {
	/** Real Postgres when set; otherwise the embedded PGlite below. */
	databaseUrl?: string;
	/** Folder of the embedded database; `memory://` keeps it in memory (tests). */
	pgliteDir?: string;
	/**
	 * An image of an embedded database (PgliteThread.image) that a new one starts as, instead
	 * of empty; only for a folder that holds no database yet.
	 */
	pgliteImage?: Uint8Array;
	/** Connections to real Postgres. PGlite is single-session, so it always gets one. */
	maxConnections?: number;
	migrate?: boolean;
}

const sqlOptions = {
	onnotice: () => {},
	transform: { undefined: null },
	// After failed attempts the client waits before connecting again; its default grows to 20 s,
	// which kept the server away from a database that was back for that long. At most 0.5 s.
	backoff: (retries: number) => Math.min(0.5, 0.05 * 2 ** retries) * (0.5 + Math.random() / 2),
	// A database out of reach answers nothing: a request waiting for a connection gets its
	// answer (503) after this long, not after the client's default of 30 s.
	connect_timeout: 5
} as const;

/**
 * Opens the database. One SQL dialect for both: the `postgres` client speaks the wire protocol
 * to real Postgres, or to PGlite served on a loopback port by pglite-socket on a worker thread
 * of this process (pglite-thread.ts).
 */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
	const database = options.databaseUrl
		? openPostgres(options.databaseUrl, options.maxConnections ?? 10)
		: await openPglite(options.pgliteDir ?? 'memory://', options.pgliteImage);
	if (options.migrate !== false) await runMigrations(database.sql);
	return database;
}

function openPostgres(url: string, max: number): Database {
	const sql = postgres(url, {
		...sqlOptions,
		max,
		types: { bigint: numericBigint },
		// Not in the client's types, but its documented way to supply the connection's socket.
		...({ socket: openDatabaseSocket } as object)
	});
	return { sql, kind: 'postgres', url, close: () => sql.end({ timeout: 5 }) };
}

async function openPglite(dir: string, image?: Uint8Array): Promise<Database> {
	if (dir !== 'memory://') await fs.mkdir(dir, { recursive: true });
	const thread = await startPgliteThread(dir === 'memory://' ? null : dir, image);
	const sql = postgres({
		...sqlOptions,
		host: thread.host,
		port: thread.port,
		user: 'postgres',
		database: 'postgres',
		max: 1,
		types: { bigint: numericBigint }
	});
	return {
		sql,
		kind: 'pglite',
		async close() {
			await sql.end({ timeout: 5 });
			await thread.stop();
		}
	};
}

/** int8 (counts, bigserial ids) as a JS number: every value we keep stays far below 2^53. */
const numericBigint = {
	to: 20,
	from: [20],
	serialize: (value: number | bigint) => value.toString(),
	parse: (value: string) => Number(value)
};
