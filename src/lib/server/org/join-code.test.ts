import { describe, expect, it } from 'vitest';
import { describeEachApp } from '../testing/each-database.ts';
import { testClient } from '../testing/test-app.ts';
import { errorCode } from '../testing/error-code.ts';
import { isAppError } from '../errors.ts';
import { generateJoinCode } from './join-code.ts';
import { joinAddressRule, joinGlobalRule } from './join-code-throttle.ts';

const password = 'correct horse battery';
let counter = 0;
const person = (joinCode: string) => ({
	joinCode,
	name: 'Guessing Gus',
	email: `gus.${Date.now()}.${++counter}@example.test`,
	password,
	title: ''
});

/** A well-formed code that no organization has. */
const wrongCode = (i: number) => `WRONG-${String(i).padStart(5, 'A')}-CODES-ZZZZZ`;

describe('join codes', () => {
	it('are four groups of five unambiguous characters: at least 80 bits, readable', () => {
		const codes = new Set<string>();
		for (let i = 0; i < 2_000; i++) {
			const code = generateJoinCode();
			expect(code).toMatch(/^[A-HJKMNP-Z2-9]{5}(-[A-HJKMNP-Z2-9]{5}){3}$/);
			codes.add(code);
		}
		expect(codes.size).toBe(2_000);
		const bits = 20 * Math.log2('ABCDEFGHJKMNPQRSTUVWXYZ23456789'.length);
		expect(bits).toBeGreaterThanOrEqual(80);
		// Every symbol is drawn about as often (no modulo bias): 40,000 draws, 31 symbols.
		const counts = new Map<string, number>();
		for (const code of codes) {
			for (const char of code.replaceAll('-', '')) counts.set(char, (counts.get(char) ?? 0) + 1);
		}
		expect(counts.size).toBe(31);
		for (const count of counts.values()) expect(count).toBeGreaterThan(1_000);
	});
});

describeEachApp('join codes on %s', (app) => {
	it('accept a code typed in lower case, with spaces or without dashes, old codes included', async () => {
		const { joinCode, admin } = await app.createOrganization('Typing Co');
		const compact = joinCode.replaceAll('-', '');
		const spaced = joinCode.replaceAll('-', ' ').toLowerCase();
		for (const typed of [compact, spaced]) {
			const result = await app.auth.register(person(typed), testClient);
			expect('user' in result && result.user.orgId).toBe(admin.orgId);
		}
		// A code issued before codes grew to 20 characters keeps working, typed either way.
		await app.database
			.sql`update organizations set join_code = 'ABCD-EFGH' where id = ${admin.orgId}`;
		for (const typed of ['ABCD-EFGH', 'abcdefgh']) {
			const result = await app.auth.register(person(typed), testClient);
			expect('user' in result && result.user.orgId).toBe(admin.orgId);
		}
	});

	it('refuse an address that keeps guessing, with 429 and Retry-After, even its right code', async () => {
		const { joinCode, admin } = await app.createOrganization('Guessed At');
		const guesser = { ...testClient, ip: '10.9.0.1' };
		for (let i = 0; i < joinAddressRule.freeFailures; i++) {
			expect(await errorCode(app.auth.register(person(wrongCode(i)), guesser))).toBe(
				'JOIN_CODE_INVALID'
			);
		}
		const refused = await app.auth.register(person(joinCode), guesser).catch((error) => error);
		expect(isAppError(refused) && refused.code).toBe('RATE_LIMITED');
		expect(refused.status).toBe(429);
		expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
		expect(refused.details).toEqual({ retryAfterSeconds: Number(refused.headers['retry-after']) });
		// Someone else, elsewhere, joins with the code.
		const result = await app.auth.register(person(joinCode), { ...testClient, ip: '10.9.0.2' });
		expect('user' in result && result.user.orgId).toBe(admin.orgId);
	});
});

describeEachApp('join-code guessing from many addresses on %s', (app) => {
	it('gives each address one guess per window once all wrong codes exceed the shared budget', async () => {
		const { joinCode, admin } = await app.createOrganization('Botnet Target');
		const address = (i: number) => ({ ...testClient, ip: `10.${i >> 8}.${i & 255}.7` });
		// Below the budget, one wrong code does not stop an address.
		expect(await errorCode(app.auth.register(person(wrongCode(0)), address(0)))).toBe(
			'JOIN_CODE_INVALID'
		);
		expect(await errorCode(app.auth.register(person(wrongCode(1)), address(0)))).toBe(
			'JOIN_CODE_INVALID'
		);
		for (let i = 1; i < joinGlobalRule.freeFailures; i++) {
			await errorCode(app.auth.register(person(wrongCode(i)), address(i)));
		}
		// Now an address that has guessed wrong once is refused...
		expect(await errorCode(app.auth.register(person(joinCode), address(5)))).toBe('RATE_LIMITED');
		// ...while a person who types the right code at the first try joins.
		const result = await app.auth.register(person(joinCode), address(1_000));
		expect('user' in result && result.user.orgId).toBe(admin.orgId);
	}, 60_000);
});
