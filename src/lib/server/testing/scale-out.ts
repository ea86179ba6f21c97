import { isRedisReachable, testRedisUrl } from './require-service.ts';
import { isPostgresReachable } from './test-database.ts';

/**
 * Why tests of processes scaled out through Redis cannot run here (they need Redis, and real
 * Postgres since two processes must share one database), or null when they can.
 */
export async function scaleOutSkipReason(): Promise<string | null> {
	const [hasRedis, hasPostgres] = await Promise.all([isRedisReachable(), isPostgresReachable()]);
	return !hasRedis
		? `Redis is not reachable at ${testRedisUrl}`
		: !hasPostgres
			? 'real Postgres is not reachable (two processes must share one database)'
			: null;
}
