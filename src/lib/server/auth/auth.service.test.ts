import { expect, it } from 'vitest';
import { describeEachApp } from '../testing/each-database.ts';
import { testClient, type TestApp } from '../testing/test-app.ts';
import { errorCode } from '../testing/error-code.ts';
import { sessionIdFromToken } from './session-token.ts';

describeEachApp('auth on %s', (app) => {
	/** Signs the person in with their password (every test person has the same), from `from`. */
	const signInAs = (person: { email: string }, from: typeof testClient) =>
		app.auth.signIn({ email: person.email, password: 'correct horse battery' }, from);

	it('makes the creator of an organization its Super Admin with a join code', async () => {
		const { admin, joinCode } = await app.createOrganization('Initech');
		expect(admin.role).toBe('super_admin');
		expect(admin.orgName).toBe('Initech');
		expect(joinCode).toMatch(/^[A-HJKMNP-Z2-9]{5}(-[A-HJKMNP-Z2-9]{5}){3}$/);
	});

	it('stores only the SHA-256 of the session token', async () => {
		const { token } = await app.createOrganization();
		const rows = await app.database.sql<{ id: string }[]>`select id from sessions`;
		expect(rows.map((r) => r.id)).toContain(sessionIdFromToken(token));
		expect(rows.map((r) => r.id)).not.toContain(token);
	});

	it('registers with a join code as a Team Member', async () => {
		const { joinCode, admin } = await app.createOrganization();
		const { user } = await app.join(joinCode, 'Bob Builder');
		expect(user.role).toBe('team_member');
		expect(user.orgId).toBe(admin.orgId);
	});

	it('refuses an unknown code, a disabled code and a rotated-away code, creating nobody', async () => {
		const { joinCode, admin } = await app.createOrganization();
		const before = await countUsers(app);
		const input = (code: string) => ({
			joinCode: code,
			name: 'Mallory',
			email: `mallory.${Date.now()}@example.test`,
			password: 'correct horse battery',
			title: ''
		});
		expect(await errorCode(app.auth.register(input('ZZZZ-ZZZZ'), testClient))).toBe(
			'JOIN_CODE_INVALID'
		);
		await app.org.updateJoinCode(admin, { enabled: false });
		expect(await errorCode(app.auth.register(input(joinCode), testClient))).toBe(
			'JOIN_CODE_INVALID'
		);
		await app.org.updateJoinCode(admin, { enabled: true });
		const rotated = await app.org.rotateJoinCode(admin);
		expect(rotated.joinCode).not.toBe(joinCode);
		expect(await errorCode(app.auth.register(input(joinCode), testClient))).toBe(
			'JOIN_CODE_INVALID'
		);
		expect(await countUsers(app)).toBe(before);
		const { user } = await app.join(rotated.joinCode, 'Welcome Person');
		expect(user.orgId).toBe(admin.orgId);
	});

	it('refuses a taken email, in any letter case', async () => {
		const { joinCode } = await app.createOrganization();
		const email = `taken.${Date.now()}@example.test`;
		await app.auth.register(
			{ joinCode, name: 'First', email, password: 'correct horse battery', title: '' },
			testClient
		);
		const again = app.auth.register(
			{
				joinCode,
				name: 'Second',
				email: email.toUpperCase(),
				password: 'correct horse battery',
				title: ''
			},
			testClient
		);
		expect(await errorCode(again)).toBe('EMAIL_TAKEN');
	});

	it('keeps new members pending when approval is required, until approved', async () => {
		const { joinCode, admin } = await app.createOrganization();
		await app.org.updateJoinCode(admin, { requireApproval: true });
		const email = `pending.${Date.now()}@example.test`;
		const result = await app.auth.register(
			{ joinCode, name: 'Patient Pat', email, password: 'correct horse battery', title: '' },
			testClient
		);
		expect(result).toEqual({ pendingApproval: true });
		const signIn = () => app.auth.signIn({ email, password: 'correct horse battery' }, testClient);
		expect(await errorCode(signIn())).toBe('ACCOUNT_PENDING');
		const [row] = await app.database.sql<
			{ id: string }[]
		>`select id from users where email = ${email}`;
		await app.people.approve(admin, row!.id);
		expect((await signIn()).user.status).toBe('active');
	});

	it('answers a wrong password and an unknown email the same way', async () => {
		const { joinCode } = await app.createOrganization();
		const { user } = await app.join(joinCode, 'Carol');
		const wrong = await errorCode(
			app.auth.signIn(
				{ email: user.email, password: 'not the password' },
				{ ...testClient, ip: '10.0.0.1' }
			)
		);
		const unknown = await errorCode(
			app.auth.signIn(
				{ email: 'nobody@example.test', password: 'not the password' },
				{ ...testClient, ip: '10.0.0.1' }
			)
		);
		expect(wrong).toBe('INVALID_CREDENTIALS');
		expect(unknown).toBe('INVALID_CREDENTIALS');
	});

	it('slows down repeated failures per account, even with the right password', async () => {
		const { joinCode } = await app.createOrganization();
		const { user } = await app.join(joinCode, 'Dave');
		const from = { ...testClient, ip: '10.0.0.2' };
		for (let i = 0; i < 5; i++) {
			expect(
				await errorCode(app.auth.signIn({ email: user.email, password: 'wrong password' }, from))
			).toBe('INVALID_CREDENTIALS');
		}
		expect(
			await errorCode(app.auth.signIn({ email: user.email, password: 'wrong password' }, from))
		).toBe('RATE_LIMITED');
		expect(await errorCode(signInAs(user, from))).toBe('RATE_LIMITED');
	});

	it('slows an attacker on the accounts they guess at from an address, not the office behind it', async () => {
		const { joinCode } = await app.createOrganization();
		const targets = [];
		for (let i = 0; i < 5; i++) targets.push((await app.join(joinCode, `Target ${i}`)).user);
		const { user: colleague } = await app.join(joinCode, 'Colin Colleague');
		const office = { ...testClient, ip: '10.0.1.1' };
		// 25 wrong passwords from the office's address, as in the report.
		for (const target of targets) {
			for (let i = 0; i < 5; i++) {
				expect(
					await errorCode(
						app.auth.signIn({ email: target.email, password: `guess number ${i}` }, office)
					)
				).toBe('INVALID_CREDENTIALS');
			}
			expect(await errorCode(signInAs(target, office))).toBe('RATE_LIMITED');
		}
		// A colleague who never signed in from the office before still gets in from it.
		const signedIn = await signInAs(colleague, office);
		expect(signedIn.user.id).toBe(colleague.id);
	});

	it('lets a person in from an address they know while their account is attacked elsewhere', async () => {
		const { joinCode } = await app.createOrganization();
		const { user: target } = await app.join(joinCode, 'Harriet Home');
		const home = { ...testClient, ip: '10.0.2.1' };
		await signInAs(target, home);
		for (let i = 0; i < 40; i++) {
			const botnet = { ...testClient, ip: `10.0.3.${i}` };
			await errorCode(app.auth.signIn({ email: target.email, password: `guess ${i}` }, botnet));
		}
		// The account is slowed for addresses it has never signed in from...
		expect(await errorCode(signInAs(target, { ...testClient, ip: '10.0.3.200' }))).toBe(
			'RATE_LIMITED'
		);
		// ...but its owner, at home, signs in.
		const signedIn = await signInAs(target, home);
		expect(signedIn.user.id).toBe(target.id);
	});

	it('slows one address spraying many accounts, except for people who signed in there before', async () => {
		const { joinCode } = await app.createOrganization();
		const { user: regular } = await app.join(joinCode, 'Rita Regular');
		const { user: newcomer } = await app.join(joinCode, 'Nick Newcomer');
		const from = { ...testClient, ip: '10.0.4.1' };
		await signInAs(regular, from);
		let refusedAt = -1;
		for (let i = 0; i < 120 && refusedAt < 0; i++) {
			const code = await errorCode(
				app.auth.signIn({ email: `guess${i}@example.test`, password: 'wrong password' }, from)
			);
			if (code === 'RATE_LIMITED') refusedAt = i;
		}
		// Far above what one person's typos or an office's would reach, and reached.
		expect(refusedAt).toBeGreaterThanOrEqual(100);
		expect(await errorCode(signInAs(newcomer, from))).toBe('RATE_LIMITED');
		const signedIn = await signInAs(regular, from);
		expect(signedIn.user.id).toBe(regular.id);
	});

	it('refuses forged, expired and ended session tokens', async () => {
		const { token, admin } = await app.createOrganization();
		expect(await app.auth.validateToken('not-a-token')).toBeNull();
		expect(await app.auth.validateToken('a'.repeat(32))).toBeNull();
		expect((await app.auth.validateToken(token))?.user.id).toBe(admin.id);
		const later = new Date(Date.now() + 31 * 86_400_000);
		expect(await app.auth.validateToken(token, later)).toBeNull();
		expect(await app.auth.validateToken(token)).toBeNull();
		const second = await app.auth.issueSession(admin.id, testClient);
		await app.auth.signOut(sessionIdFromToken(second.token), admin.id);
		expect(await app.auth.validateToken(second.token)).toBeNull();
	});

	it('slides the expiry forward once half the lifetime has passed', async () => {
		const { token } = await app.createOrganization();
		const first = await app.auth.validateToken(token);
		expect(first?.renewedExpiresAt).toBeNull();
		const in20Days = new Date(Date.now() + 20 * 86_400_000);
		const slid = await app.auth.validateToken(token, in20Days);
		expect(slid?.renewedExpiresAt?.getTime()).toBeGreaterThan(in20Days.getTime() + 29 * 86_400_000);
	});

	it('lists sessions of every device and ends one without touching the others', async () => {
		const { admin, token } = await app.createOrganization();
		const phone = await app.auth.issueSession(admin.id, {
			userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Safari/604.1',
			ip: '10.1.1.1'
		});
		const list = await app.auth.listSessions(admin.id, sessionIdFromToken(token));
		expect(list).toHaveLength(2);
		expect(list.find((s) => s.current)?.device).toBe('Chrome on Linux');
		expect(list.find((s) => !s.current)?.device).toBe('Safari on iOS');
		await app.auth.endSession(admin.id, sessionIdFromToken(phone.token));
		expect(await app.auth.validateToken(phone.token)).toBeNull();
		expect(await app.auth.validateToken(token)).not.toBeNull();
	});

	it('does not let a person end someone else’s session', async () => {
		const { admin, joinCode } = await app.createOrganization();
		const { token } = await app.join(joinCode, 'Eve');
		expect(await errorCode(app.auth.endSession(admin.id, sessionIdFromToken(token)))).toBe(
			'NOT_FOUND'
		);
		expect(await app.auth.validateToken(token)).not.toBeNull();
	});

	it('ends every session at once when a person is deactivated, and refuses sign-in', async () => {
		const { admin, joinCode } = await app.createOrganization();
		const { user, token } = await app.join(joinCode, 'Frank');
		const laptop = await signInAs(user, testClient);
		const ended: unknown[] = [];
		const off = app.events.on('sessions.ended', (event) => ended.push(event));
		await app.people.deactivate(admin, user.id);
		off();
		expect(await app.auth.validateToken(token)).toBeNull();
		expect(await app.auth.validateToken(laptop.token)).toBeNull();
		expect(ended).toEqual([{ userId: user.id, sessionIds: 'all' }]);
		expect(await errorCode(signInAs(user, testClient))).toBe('ACCOUNT_DEACTIVATED');
		await app.people.reactivate(admin, user.id);
		expect((await signInAs(user, testClient)).user.id).toBe(user.id);
	});
});

async function countUsers(app: TestApp): Promise<number> {
	const [row] = await app.database.sql<
		{ count: number }[]
	>`select count(*)::int as count from users`;
	return row!.count;
}
