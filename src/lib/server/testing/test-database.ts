import postgres from 'postgres';
import { randomBytes } from 'node:crypto';
import { openDatabase, type Database } from '../db/database.ts';
import { requireService } from './require-service.ts';

/**
 * The databases every integration test runs against: embedded PGlite always, and real
 * Postgres when it answers at TEST_DATABASE_URL (default 127.0.0.1:5432, as in CI); under
 * CI=true a Postgres that does not answer fails the run (see `requireService`).
 * Each call makes a fresh database, so test files and test runs never collide.
 */
export const realPostgresUrl =
	process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let postgresReachable: Promise<boolean> | undefined;

export function isPostgresReachable(): Promise<boolean> {
	postgresReachable ??= requireService(
		`Postgres at ${realPostgresUrl}`,
		postgresAnswers(realPostgresUrl)
	);
	return postgresReachable;
}

/** Whether a Postgres server answers at `url` within two seconds. */
export async function postgresAnswers(url: string): Promise<boolean> {
	const probe = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => {} });
	try {
		await probe`select 1`;
		return true;
	} catch {
		return false;
	} finally {
		await probe.end({ timeout: 1 });
	}
}

export type DatabaseKind = 'pglite' | 'postgres';

export async function availableDatabaseKinds(): Promise<DatabaseKind[]> {
	return (await isPostgresReachable()) ? ['pglite', 'postgres'] : ['pglite'];
}

export interface TestDatabase extends Database {
	/** Connection string of the fresh database, for child processes (real Postgres only). */
	url?: string;
}

export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
	if (kind === 'pglite') return openDatabase({ pgliteDir: 'memory://' });
	const name = `cf_test_${Date.now()}_${randomBytes(4).toString('hex')}`;
	const admin = postgres(realPostgresUrl, { max: 1, onnotice: () => {} });
	await admin.unsafe(`create database ${name}`);
	await admin.end();
	const url = new URL(realPostgresUrl);
	url.pathname = `/${name}`;
	const database = await openDatabase({ databaseUrl: url.toString(), maxConnections: 5 });
	return {
		...database,
		url: url.toString(),
		async close() {
			await database.close();
			const cleanup = postgres(realPostgresUrl, { max: 1, onnotice: () => {} });
			await cleanup.unsafe(`drop database if exists ${name} with (force)`);
			await cleanup.end();
		}
	};
}
