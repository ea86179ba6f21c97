import postgres from 'postgres';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Database } from '../db/database.ts';
import { runMigrations } from '../db/migrate.ts';
import { migrations } from '../db/migrations/index.ts';
import { startPgliteThread } from '../db/pglite-thread.ts';
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

/**
 * A fresh, empty database `<prefix>_<time>_<random>` on the Postgres server at `serverUrl` (for
 * the tests and the benchmarks): its connection string, and `drop` to remove it.
 */
export async function createScratchDatabase(
	serverUrl: string,
	prefix: string
): Promise<{ url: string; drop(): Promise<void> }> {
	const name = `${prefix}_${Date.now()}_${randomBytes(4).toString('hex')}`;
	const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
	await admin.unsafe(`create database ${name}`);
	await admin.end();
	const url = new URL(serverUrl);
	url.pathname = `/${name}`;
	return {
		url: url.toString(),
		async drop() {
			const cleanup = postgres(serverUrl, { max: 1, onnotice: () => {} });
			await cleanup.unsafe(`drop database if exists ${name} with (force)`);
			await cleanup.end();
		}
	};
}

export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
	if (kind === 'pglite') {
		return openDatabase({ pgliteDir: 'memory://', pgliteImage: await migratedPgliteImage() });
	}
	const scratch = await createScratchDatabase(realPostgresUrl, 'cf_test');
	const database = await openDatabase({ databaseUrl: scratch.url, maxConnections: 5 });
	return {
		...database,
		url: scratch.url,
		async close() {
			await database.close();
			await scratch.drop();
		}
	};
}

let imageOfThisProcess: Promise<Uint8Array> | undefined;

/**
 * An embedded database with every migration applied, as an image (a tar of its data folder)
 * that each test's fresh PGlite starts from: it skips PGlite's initdb, some 3 s of CPU of the 8 s
 * a fresh embedded database costs, and there are two or three per test file. The image is made once per PGlite version and
 * set of migrations and kept in the system's temporary folder for every test file and run; the
 * migrations still run from nothing when it is made, and database.test.ts runs them on a
 * database of its own.
 */
export function migratedPgliteImage(): Promise<Uint8Array> {
	imageOfThisProcess ??= keptPgliteImage();
	return imageOfThisProcess;
}

async function keptPgliteImage(): Promise<Uint8Array> {
	const folder = path.join(os.tmpdir(), 'connectflow-test-pglite');
	const file = path.join(folder, `${await imageKey()}.tar`);
	try {
		return new Uint8Array(await fs.readFile(file));
	} catch {
		// Not made yet: made below.
	}
	const thread = await startPgliteThread(null);
	try {
		const sql = postgres({ host: thread.host, port: thread.port, max: 1, onnotice: () => {} });
		await runMigrations(sql);
		await sql.end();
		const image = await thread.image();
		await fs.mkdir(folder, { recursive: true });
		// Written aside and renamed: test files made at once by other workers never read half.
		const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
		await fs.writeFile(partial, image);
		await fs.rename(partial, file);
		return image;
	} finally {
		await thread.stop();
	}
}

/** Names the image after what it is made of: the PGlite version and the migrations. */
async function imageKey(): Promise<string> {
	const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
	const pkg = JSON.parse(
		await fs.readFile(path.join(path.dirname(entry), '..', 'package.json'), 'utf8')
	) as { version: string };
	return createHash('sha256')
		.update(JSON.stringify([pkg.version, migrations]))
		.digest('hex')
		.slice(0, 24);
}
