import type { Sql } from '../db/database.ts';
import {
	FailureThrottle,
	perQuarterHour,
	rateLimited,
	type ThrottleKey
} from './failure-throttle.ts';

/**
 * Password guessing is slowed without letting one attacker lock out an office behind a shared
 * address (OWASP: credential stuffing vs. NAT). Failures count under three keys:
 *
 * - (account, address): the guesser at that address is slowed on that account quickly. It is
 *   always checked, so a known address gives no free guesses to someone else behind it.
 * - account: failures from anywhere, against guessing one account from many addresses.
 * - address: failures for any account, against one address spraying many accounts; far higher,
 *   because an office's people all sign in from it.
 *
 * The last two are checked only when the account has not signed in from this address recently:
 * a person signing in from where they signed in before is held back only by failures on their
 * own account from that address, never by other people's failures.
 */
export const pairRule = perQuarterHour(5);
export const accountRule = perQuarterHour(20);
export const addressRule = perQuarterHour(100);
/** How long a successful sign-in makes an address known for that account. */
const KNOWN_ADDRESS_DAYS = 90;

export class SignInThrottle {
	readonly sql: Sql;
	readonly failures: FailureThrottle;
	constructor(sql: Sql) {
		this.sql = sql;
		this.failures = new FailureThrottle(sql);
	}

	/** Throws RATE_LIMITED while this attempt must still wait. */
	async assertAllowed(email: string, address: string, knownAddress: boolean): Promise<void> {
		const keys = signInKeys(email, address);
		const checked = knownAddress ? [keys.pair] : [keys.pair, keys.account, keys.address];
		const waitSeconds = await this.failures.waitSeconds(checked);
		if (waitSeconds > 0) {
			throw rateLimited(
				`Too many failed sign-in attempts. Try again in ${waitSeconds} seconds.`,
				waitSeconds
			);
		}
	}

	recordFailure(email: string, address: string): Promise<void> {
		const keys = signInKeys(email, address);
		return this.failures.recordFailure([keys.pair, keys.account, keys.address]);
	}

	/**
	 * After a correct password: forgets this pair's failures. The account's and the address's
	 * counts stay, so that a success does not hand a guesser elsewhere a fresh allowance.
	 */
	forgetFailures(email: string, address: string): Promise<void> {
		return this.failures.clear(signInKeys(email, address).pair.key);
	}

	/** Whenever a session starts: the address becomes known for this person. */
	async rememberAddress(userId: string, address: string, now = new Date()): Promise<void> {
		await this.sql`
			insert into sign_in_addresses (user_id, address, last_signed_in_at)
			values (${userId}, ${address}, ${now})
			on conflict (user_id, address) do update set last_signed_in_at = ${now}`;
	}

	async isKnownAddress(userId: string, address: string, now = new Date()): Promise<boolean> {
		const since = new Date(now.getTime() - KNOWN_ADDRESS_DAYS * 86_400_000);
		const rows = await this.sql`
			select 1 from sign_in_addresses
			where user_id = ${userId} and address = ${address} and last_signed_in_at > ${since}`;
		return rows.length > 0;
	}
}

function signInKeys(
	email: string,
	address: string
): Record<'pair' | 'account' | 'address', ThrottleKey> {
	const account = email.toLowerCase();
	return {
		pair: { key: `pair:${account}|${address}`, rule: pairRule },
		account: { key: `account:${account}`, rule: accountRule },
		address: { key: `address:${address}`, rule: addressRule }
	};
}
