import type { Sql } from '../db/database.ts';
import { AppError } from '../errors.ts';

/**
 * Counts failures (wrong passwords, wrong join codes) per key in the database, so that every
 * server process sees the same counts. Within a rule's window, after `freeFailures` failures
 * each further attempt must wait twice as long as the previous one (capped at maxDelaySeconds).
 */
export interface ThrottleRule {
	freeFailures: number;
	windowSeconds: number;
	maxDelaySeconds: number;
}

/** A rule over a quarter of an hour: `freeFailures` free, then waits of up to 15 minutes. */
export const perQuarterHour = (freeFailures: number): ThrottleRule => ({
	freeFailures,
	windowSeconds: 900,
	maxDelaySeconds: 900
});

export interface ThrottleKey {
	key: string;
	rule: ThrottleRule;
}

interface FailureRow {
	failures: number;
	first: Date;
	last: Date;
}

export class FailureThrottle {
	readonly sql: Sql;
	constructor(sql: Sql) {
		this.sql = sql;
	}

	/** Seconds until every key allows another attempt; 0 when they all do. */
	async waitSeconds(keys: ThrottleKey[], now = new Date()): Promise<number> {
		let waitSeconds = 0;
		for (const { key, rule } of keys) {
			const row = await this.recent(key, rule, now);
			if (!row || row.failures < rule.freeFailures) continue;
			const delay = Math.min(2 ** (row.failures - rule.freeFailures), rule.maxDelaySeconds);
			const readyAt = row.last.getTime() + delay * 1000;
			waitSeconds = Math.max(waitSeconds, Math.ceil((readyAt - now.getTime()) / 1000));
		}
		return waitSeconds;
	}

	/** The failures counted for `key` in its current window, or null when there are none. */
	async recent(key: string, rule: ThrottleRule, now = new Date()): Promise<FailureRow | null> {
		const [row] = await this.sql<FailureRow[]>`
			select failures, first_failed_at as first, last_failed_at as last
			from sign_in_failures where key = ${key}`;
		if (!row || now.getTime() - row.first.getTime() > rule.windowSeconds * 1000) return null;
		return row;
	}

	async recordFailure(keys: ThrottleKey[], now = new Date()): Promise<void> {
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

/** The 429 answer: Retry-After and `details.retryAfterSeconds` say when to try again. */
export function rateLimited(message: string, waitSeconds: number): AppError {
	return new AppError('RATE_LIMITED', message, {
		details: { retryAfterSeconds: waitSeconds },
		headers: { 'retry-after': String(waitSeconds) }
	});
}
