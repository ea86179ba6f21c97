import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { postgresAnswers } from './test-database.ts';
import { redisAnswers, requireService } from './require-service.ts';

/** A loopback port that nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
	const server = net.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as net.AddressInfo;
	await new Promise((resolve) => server.close(resolve));
	return port;
}

describe('requireService', () => {
	afterEach(() => {
		vi.restoreAllMocks();
	});

	it('under CI=true, a Postgres or Redis that does not answer fails the run', async () => {
		const port = await closedPort();
		await expect(
			requireService(
				'Postgres',
				postgresAnswers(`postgres://postgres@127.0.0.1:${port}/postgres`),
				{
					CI: 'true'
				}
			)
		).rejects.toThrow(/Postgres is not reachable, and CI=true requires every test to run/);
		await expect(
			requireService('Redis', redisAnswers(`redis://127.0.0.1:${port}`), { CI: 'true' })
		).rejects.toThrow(/Redis is not reachable/);
	});

	it('elsewhere the tests skip, with a warning that says so', async () => {
		const port = await closedPort();
		const warn = vi.spyOn(console, 'warn');
		expect(
			await requireService(
				'Postgres',
				postgresAnswers(`postgres://postgres@127.0.0.1:${port}/postgres`),
				{}
			)
		).toBe(false);
		expect(
			await requireService('Redis', redisAnswers(`redis://127.0.0.1:${port}`), { CI: 'false' })
		).toBe(false);
		expect(warn.mock.calls.map(([message]) => String(message))).toEqual([
			expect.stringContaining('Postgres is not reachable: the tests that need it are skipped'),
			expect.stringContaining('Redis is not reachable: the tests that need it are skipped')
		]);
	});

	it('a service that answers runs its tests, CI or not', async () => {
		expect(await requireService('Postgres', true, { CI: 'true' })).toBe(true);
		expect(await requireService('Postgres', true, {})).toBe(true);
	});
});
