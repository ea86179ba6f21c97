import net from 'node:net';
import type { AddressInfo } from 'node:net';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from './db/database.ts';
import { AppError, errorResponse, isDatabaseUnavailable } from './errors.ts';
import { startDatabaseProxy, terminateConnections } from './testing/database-proxy.ts';
import {
	createTestDatabase,
	isPostgresReachable,
	realPostgresUrl,
	type TestDatabase
} from './testing/test-database.ts';

/**
 * An outage of our own database answers 503 with Retry-After and a stable code, never 500: the
 * errors here are the ones the `postgres` client really throws when the database goes away.
 */
const hasPostgres = await isPostgresReachable();

async function thrownBy(run: () => Promise<unknown>): Promise<unknown> {
	try {
		await run();
	} catch (error) {
		return error;
	}
	throw new Error('expected a failure');
}

async function expectUnavailable(error: unknown): Promise<void> {
	expect(isDatabaseUnavailable(error)).toBe(true);
	const response = errorResponse(error);
	expect(response.status).toBe(503);
	expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
	expect(await response.json()).toMatchObject({ error: { code: 'SERVICE_UNAVAILABLE' } });
}

describe('errorResponse for a database out of reach', () => {
	const databases: TestDatabase[] = [];
	afterAll(async () => {
		for (const database of databases) await database.close();
	});

	it('answers 503 when no database listens', async () => {
		const closed = net.createServer();
		await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
		const port = (closed.address() as AddressInfo).port;
		await new Promise((resolve) => closed.close(resolve));
		const sql = postgres({ host: '127.0.0.1', port, max: 1, connect_timeout: 2 });
		await expectUnavailable(await thrownBy(() => sql`select 1`));
		await sql.end({ timeout: 0 });
	});

	it.skipIf(!hasPostgres)(
		'answers 503 when connections are cut or terminated under a query',
		async () => {
			const database = await createTestDatabase('postgres');
			databases.push(database);
			const name = new URL(database.url!).pathname.slice(1);
			const proxy = await startDatabaseProxy(database.url!);
			const sql = postgres(proxy.url, { max: 1, backoff: () => 0.1, onnotice: () => {} });
			try {
				await sql`select 1`;
				// Cut mid-query: the connection goes away under it.
				const cut = thrownBy(() => sql`select pg_sleep(5)`);
				await new Promise((resolve) => setTimeout(resolve, 200));
				proxy.cut();
				await expectUnavailable(await cut);
				proxy.restore();
				await sql`select 1`;
				// Terminated by an administrator (57P01).
				const running = thrownBy(() => sql`select pg_sleep(5)`);
				await new Promise((resolve) => setTimeout(resolve, 200));
				await terminateConnections(realPostgresUrl, name);
				await expectUnavailable(await running);
			} finally {
				await sql.end({ timeout: 0 });
				await proxy.close();
			}
		},
		30_000
	);

	it.skipIf(!hasPostgres)(
		'answers 503 within seconds when the database accepts connections and closes them',
		async () => {
			const database = await createTestDatabase('postgres');
			databases.push(database);
			const proxy = await startDatabaseProxy(database.url!);
			// The app's own client, with its settings: the loop this guards against is the
			// client's reconnecting at once, for ever, to a listener that closes each connection.
			const app = await openDatabase({ databaseUrl: proxy.url, migrate: false });
			try {
				await app.sql`select 1`;
				proxy.cut();
				// The open connection goes with the cut; what follows needs a new one.
				await new Promise((resolve) => setTimeout(resolve, 300));
				const started = Date.now();
				const refused = thrownBy(() => app.sql`select 1`);
				await Promise.race([refused, new Promise((resolve) => setTimeout(resolve, 5_000))]);
				expect(Date.now() - started).toBeLessThan(5_000);
				await expectUnavailable(await refused);
				proxy.restore();
				expect(await app.sql`select 1 as one`).toEqual([{ one: 1 }]);
			} finally {
				await app.close();
				await proxy.close();
			}
		},
		30_000
	);

	it('still answers a query the database refused as 500, and an AppError as itself', async () => {
		const syntax = Object.assign(new Error('syntax error'), { code: '42601' });
		expect(errorResponse(syntax).status).toBe(500);
		expect(errorResponse(new AppError('NOT_FOUND', 'No.')).status).toBe(404);
	});
});
