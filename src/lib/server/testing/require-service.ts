import { Redis } from 'ioredis';

/**
 * Whether the tests that need `service` can run. When it answers: true. When it does not, the
 * tests skip with a warning on a developer's machine, but under `CI=true` this throws, so the
 * run fails: a green CI run always means that every test needing Postgres or Redis ran.
 */
export async function requireService(
	service: string,
	reachable: boolean | Promise<boolean>,
	env: Record<string, string | undefined> = process.env
): Promise<boolean> {
	if (await reachable) return true;
	if (env.CI === 'true' || env.CI === '1') {
		throw new Error(
			`${service} is not reachable, and CI=true requires every test to run: start it (.ci/run does).`
		);
	}
	console.warn(`[tests] ${service} is not reachable: the tests that need it are skipped.`);
	return false;
}

export const testRedisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

let redisReachable: Promise<boolean> | undefined;

/** Redis at TEST_REDIS_URL (default 127.0.0.1:6379, as in CI), through `requireService`. */
export function isRedisReachable(): Promise<boolean> {
	redisReachable ??= requireService(`Redis at ${testRedisUrl}`, redisAnswers(testRedisUrl));
	return redisReachable;
}

/** Whether a Redis server answers PING at `url` within a second. */
export async function redisAnswers(url: string): Promise<boolean> {
	const probe = new Redis(url, {
		lazyConnect: true,
		connectTimeout: 1_000,
		maxRetriesPerRequest: 0,
		retryStrategy: () => null
	});
	probe.on('error', () => {});
	try {
		await probe.connect();
		return (await probe.ping()) === 'PONG';
	} catch {
		return false;
	} finally {
		probe.disconnect();
	}
}
