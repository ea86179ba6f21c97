import net from 'node:net';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPostgresReachable, realPostgresUrl } from '#server/testing/test-database.ts';
import { listenInFront } from '#server/testing/database-proxy.ts';

const postgresUp = await isPostgresReachable();

/**
 * A proxy in front of Postgres that resets the first connection at the driver's array-type
 * query (the moment of the CI failure this guards against), and lets later ones through.
 */
async function startResettingProxy(targetUrl: string) {
	const target = new URL(targetUrl);
	let resets = 0;
	const server = net.createServer((client) => {
		const upstream = net.connect(Number(target.port || 5432), target.hostname);
		const drop = () => {
			client.destroy();
			upstream.destroy();
		};
		client.on('error', drop);
		upstream.on('error', drop);
		client.on('data', (chunk) => {
			if (resets === 0 && chunk.includes('pg_catalog.pg_type')) {
				resets++;
				client.resetAndDestroy();
				upstream.destroy();
				return;
			}
			upstream.write(chunk);
		});
		upstream.pipe(client);
	});
	return {
		url: await listenInFront(server, targetUrl),
		resets: () => resets,
		close: () => new Promise((resolve) => server.close(resolve))
	};
}

describe.runIf(postgresUp)('a connection reset during the driver’s array-type query', () => {
	let proxy: Awaited<ReturnType<typeof startResettingProxy>>;
	const unhandled: unknown[] = [];
	const record = (reason: unknown) => unhandled.push(reason);

	beforeAll(async () => {
		proxy = await startResettingProxy(realPostgresUrl);
		process.on('unhandledRejection', record);
	});
	afterAll(async () => {
		process.off('unhandledRejection', record);
		await proxy.close();
	});

	it('fails or retries the waiting query, and leaves no unhandled rejection behind', async () => {
		const sql = postgres(proxy.url, { max: 1, onnotice: () => {} });
		try {
			const first = await sql<{ one: number }[]>`select 1 as one`.then(
				(rows) => rows[0]?.one,
				(error: { code?: string }) => error.code
			);
			expect(proxy.resets(), 'the proxy reset the array-type query').toBe(1);
			expect([1, 'ECONNRESET', 'CONNECTION_CLOSED']).toContain(first);
			const [row] = await sql<{ names: string[] }[]>`select array['a', 'b'] as names`;
			expect(row?.names, 'the next connection asked for the array types again').toEqual(['a', 'b']);
			await new Promise((resolve) => setTimeout(resolve, 50));
			expect(unhandled).toEqual([]);
		} finally {
			await sql.end({ timeout: 1 });
		}
	});
});
