import type { Sql } from '../db/database.ts';
import {
	FailureThrottle,
	perQuarterHour,
	rateLimited,
	type ThrottleKey
} from '../auth/failure-throttle.ts';

/**
 * Slows join-code guessing. A wrong code names no organization (the code is what identifies
 * it), so wrong attempts cannot be counted against the organization they aim at; what all
 * organizations share is the code space. Two counts therefore:
 *
 * - per address: ten wrong codes in 15 minutes (typos, an old code), then each further attempt
 *   waits twice as long as the one before, up to 15 minutes;
 * - across all addresses (the budget every organization shares): past 300 wrong codes in 15
 *   minutes the service is being guessed at from many addresses, and an address that has sent
 *   a wrong code in the last 15 minutes is refused until that code is 15 minutes old. A guesser
 *   then gets one guess per address per 15 minutes, while a person who types their code right
 *   (no failure behind them) still joins: the global count never refuses a first attempt.
 *
 * A throttled attempt is refused before its code is looked up, so it reveals nothing. With
 * 99-bit codes (join-code.ts) even an unthrottled botnet would not find one; the throttle keeps
 * guessing from costing the database anything worth mentioning.
 */
export const joinAddressRule = perQuarterHour(10);
export const joinGlobalRule = perQuarterHour(300);

const GLOBAL_KEY = 'join:all';

export class JoinCodeThrottle {
	readonly failures: FailureThrottle;
	constructor(sql: Sql) {
		this.failures = new FailureThrottle(sql);
	}

	/** Throws RATE_LIMITED while this address must wait before trying another code. */
	async assertAllowed(address: string, now = new Date()): Promise<void> {
		const key = addressKey(address);
		let waitSeconds = await this.failures.waitSeconds([key], now);
		if (waitSeconds === 0 && (await this.underAttack(now))) {
			const mine = await this.failures.recent(key.key, key.rule, now);
			if (mine) {
				const readyAt = mine.last.getTime() + joinGlobalRule.windowSeconds * 1000;
				waitSeconds = Math.max(0, Math.ceil((readyAt - now.getTime()) / 1000));
			}
		}
		if (waitSeconds > 0) {
			throw rateLimited(
				`Too many wrong join codes from your network. Try again in ${waitSeconds} seconds.`,
				waitSeconds
			);
		}
	}

	recordFailure(address: string, now = new Date()): Promise<void> {
		return this.failures.recordFailure(
			[addressKey(address), { key: GLOBAL_KEY, rule: joinGlobalRule }],
			now
		);
	}

	private async underAttack(now: Date): Promise<boolean> {
		const all = await this.failures.recent(GLOBAL_KEY, joinGlobalRule, now);
		return all !== null && all.failures >= joinGlobalRule.freeFailures;
	}
}

const addressKey = (address: string): ThrottleKey => ({
	key: `join:address:${address}`,
	rule: joinAddressRule
});
