import fs from 'node:fs/promises';
import postgres from 'postgres';
import { runMigrations } from './migrate.ts';
import { connectPostgres, NUMERIC_BIGINT, SQL_OPTIONS } from './postgres-client.ts';
import { DEFAULT_PGLITE_MEMORY, startPgliteThread, type PgliteMemory } from './pglite-thread.ts';

export type Sql = postgres.Sql;

export interface Database {
	sql: Sql;
	kind: 'pglite' | 'postgres';
	/** Real Postgres: its connection string, for what needs connections of its own (pg-boss). */
	url?: string;
	/**
	 * PGlite: its data folder as a tar file, taken between two statements (a consistent image
	 * of the database as a crash at that moment would leave it: opened, it recovers from its
	 * log like after a power cut). What an online backup takes (backup/).
	 */
	image?: () => Promise<Uint8Array>;
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
	/** The embedded database's memory settings, over DEFAULT_PGLITE_MEMORY. */
	pgliteMemory?: Partial<PgliteMemory>;
	/** Connections to real Postgres. PGlite is single-session, so it always gets one. */
	maxConnections?: number;
	migrate?: boolean;
}

/**
 * Opens the database. One SQL dialect for both: the `postgres` client speaks the wire protocol
 * to real Postgres, or to PGlite served on a loopback port by pglite-socket on a worker thread
 * of this process (pglite-thread.ts).
 */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
	if (options.databaseUrl) {
		const database = openPostgres(options.databaseUrl, options.maxConnections ?? 10);
		if (options.migrate !== false) await runMigrations(database.sql);
		return database;
	}
	const dir = options.pgliteDir ?? 'memory://';
	const memory = { ...DEFAULT_PGLITE_MEMORY, ...options.pgliteMemory };
	const database = await openPglite(dir, options.pgliteImage, memory);
	if (options.migrate === false) return database;
	const applied = await runMigrations(database.sql);
	if (applied.length === 0 || dir === 'memory://') return database;
	// A first start (initdb) or an upgrade leaves the database thread ~250 MB bigger than a plain
	// start: PGlite's WebAssembly memory never shrinks, and initdb and the migrations' DDL grew it.
	// A new thread on the same folder starts small; the old one's memory goes with it.
	await database.close();
	return openPglite(dir, undefined, memory);
}

function openPostgres(url: string, max: number): Database {
	const sql = connectPostgres(url, { max });
	return { sql, kind: 'postgres', url, close: () => sql.end({ timeout: 5 }) };
}

async function openPglite(
	dir: string,
	image: Uint8Array | undefined,
	memory: PgliteMemory
): Promise<Database> {
	if (dir !== 'memory://') await fs.mkdir(dir, { recursive: true });
	const thread = await startPgliteThread(dir === 'memory://' ? null : dir, image, memory);
	const sql = postgres({
		...SQL_OPTIONS,
		host: thread.host,
		port: thread.port,
		user: 'postgres',
		database: 'postgres',
		max: 1,
		types: { bigint: NUMERIC_BIGINT }
	});
	return {
		sql,
		kind: 'pglite',
		image: () => thread.image(),
		async close() {
			await sql.end({ timeout: 5 });
			await thread.stop();
		}
	};
}
