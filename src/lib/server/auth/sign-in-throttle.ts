import type { Sql } from '../db/database.ts';
import { AppError } from '../errors.ts';

/**
 * Slows down password guessing, per account and per network address, in the database so that
 * every server process sees the same counts. After `freeFailures` failures within the window,
 * each further attempt must wait twice as long as the previous one (capped).
 */
export interface ThrottleRule {
	freeFailures: number;
	windowSeconds: number;
	maxDelaySeconds: number;
}

export const accountRule: ThrottleRule = {
	freeFailures: 5,
	windowSeconds: 900,
	maxDelaySeconds: 900
};
export const addressRule: ThrottleRule = {
	freeFailures: 20,
	windowSeconds: 900,
	maxDelaySeconds: 900
};

export class SignInThrottle {
	readonly sql: Sql;
	constructor(sql: Sql) {
		this.sql = sql;
	}

	/** Throws RATE_LIMITED while any of the keys must still wait. */
	async assertAllowed(
		keys: { key: string; rule: ThrottleRule }[],
		now = new Date()
	): Promise<void> {
		let waitSeconds = 0;
		for (const { key, rule } of keys) {
			const [row] = await this.sql<{ failures: number; first: Date; last: Date }[]>`
				select failures, first_failed_at as first, last_failed_at as last
				from sign_in_failures where key = ${key}`;
			if (!row || row.failures < rule.freeFailures) continue;
			if (now.getTime() - row.first.getTime() > rule.windowSeconds * 1000) continue;
			const delay = Math.min(2 ** (row.failures - rule.freeFailures), rule.maxDelaySeconds);
			const readyAt = row.last.getTime() + delay * 1000;
			waitSeconds = Math.max(waitSeconds, Math.ceil((readyAt - now.getTime()) / 1000));
		}
		if (waitSeconds > 0) {
			throw new AppError(
				'RATE_LIMITED',
				`Too many failed sign-in attempts. Try again in ${waitSeconds} seconds.`,
				{
					details: { retryAfterSeconds: waitSeconds },
					headers: { 'retry-after': String(waitSeconds) }
				}
			);
		}
	}

	async recordFailure(
		keys: { key: string; rule: ThrottleRule }[],
		now = new Date()
	): Promise<void> {
		for (const { key, rule } of keys) {
			const windowStart = new Date(now.getTime() - rule.windowSeconds * 1000);
			await this.sql`
				insert into sign_in_failures (key, failures, first_failed_at, last_failed_at)
				values (${key}, 1, ${now}, ${now})
				on conflict (key) do update set
					failures = case when sign_in_failures.first_failed_at < ${windowStart}
						then 1 else sign_in_failures.failures + 1 end,
					first_failed_at = case when sign_in_failures.first_failed_at < ${windowStart}
						then ${now} else sign_in_failures.first_failed_at end,
					last_failed_at = ${now}`;
		}
	}

	async clear(key: string): Promise<void> {
		await this.sql`delete from sign_in_failures where key = ${key}`;
	}
}

export const throttleKeys = (email: string, address: string) => [
	{ key: `account:${email.toLowerCase()}`, rule: accountRule },
	{ key: `address:${address}`, rule: addressRule }
];
