import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../testing/test-app.ts';
import {
	DELIVERY_PUBLIC_URL,
	startAppWithDelivery,
	type DeliveryServices
} from '../testing/delivery-services.ts';
import { availableDatabaseKinds } from '../testing/test-database.ts';
import { errorCode } from '../testing/error-code.ts';
import type { SmtpTestServer } from '../mail/testing/smtp-test-server.ts';
import type { PushReceiver } from '../push/testing/push-receiver.ts';
import { sendBroadcastSchema } from '#shared/api/broadcasts.schema.ts';
import type { SessionUser } from '#shared/api/auth.schema.ts';

const kinds = await availableDatabaseKinds();
const PUBLIC_URL = DELIVERY_PUBLIC_URL;

/**
 * Emergency broadcasts on the real parts: the live feed, the job queue, real SMTP
 * (smtp-server) and a local HTTPS push service that decrypts what it receives.
 */
describe.each(kinds)('emergency broadcasts on %s', (kind) => {
	let services: DeliveryServices;
	let smtp: SmtpTestServer;
	let receiver: PushReceiver;
	let app: TestApp;

	beforeAll(async () => {
		services = await startAppWithDelivery(kind);
		({ smtp, receiver, app } = services);
	}, 60_000);

	afterAll(async () => {
		await services?.close();
	});

	async function organization(name: string) {
		const { admin, joinCode } = await app.createOrganization(name);
		const eng = await app.org.createDepartment(admin, { name: 'Engineering' });
		const sales = await app.org.createDepartment(admin, { name: 'Sales' });
		const platform = await app.org.createTeam(admin, { name: 'Platform', departmentId: eng.id });
		const field = await app.org.createTeam(admin, { name: 'Field', departmentId: sales.id });
		const person = async (who: string, placement: Record<string, string>) => {
			const { user } = await app.join(joinCode, who);
			await app.people.assign(admin, user.id, placement);
			return (await app.auth.validateToken(
				(await app.auth.issueSession(user.id, { userAgent: '', ip: '' })).token
			))!.user;
		};
		const head = await person('Hedy Head', { departmentId: eng.id, role: 'department_head' });
		const dev = await person('Dana Dev', { teamId: platform.id, role: 'team_member' });
		const ops = await person('Otto Ops', { teamId: platform.id, role: 'team_member' });
		const seller = await person('Sam Seller', { teamId: field.id, role: 'team_member' });
		return { admin, head, dev, ops, seller, eng: eng.id, sales: sales.id };
	}

	const input = (value: unknown) => sendBroadcastSchema.parse(value);
	const feedKinds = async (person: SessionUser) =>
		(await app.feed.feed.after(person.id, 0, 500)).map((row) => row.kind);
	const mailsTo = (person: SessionUser, subject: string) =>
		smtp.received.filter(
			(mail) => mail.to.includes(person.email) && mail.parsed.subject?.includes(subject)
		);
	const count = async (table: string) =>
		(await app.database.sql.unsafe<{ n: number }[]>(`select count(*)::int as n from ${table}`))[0]!
			.n;

	it('reaches everyone in the organization on screen, by email whatever their settings, and by push', async () => {
		const o = await organization('Broadcast Org');
		await app.email.setEnabled(o.seller, false);
		const subscriber = receiver.subscriber();
		await app.push.subscribe(o.dev, subscriber.json);

		const sent = await app.broadcasts.send(
			o.admin,
			input({
				title: 'Fire drill at 3 pm',
				body: 'Leave by the east stairs.',
				scope: { kind: 'org' }
			})
		);
		expect(sent).toMatchObject({ title: 'Fire drill at 3 pm', departmentId: null });
		for (const person of [o.head, o.dev, o.ops, o.seller]) {
			expect(await feedKinds(person)).toContain('broadcast.sent');
			expect((await app.broadcasts.pending(person)).map((b) => b.id)).toEqual([sent.id]);
		}
		expect(await app.broadcasts.pending(o.admin)).toEqual([]);
		const entries = await app.audit.list(o.admin, { limit: 20 });
		expect(entries.some((entry) => entry.action === 'broadcast.send')).toBe(true);

		// Email to all four, the one who turned email off included; a push to the subscribed one.
		await expect
			.poll(() => [o.head, o.dev, o.ops, o.seller].map((p) => mailsTo(p, 'Fire drill').length), {
				timeout: 30_000
			})
			.toEqual([1, 1, 1, 1]);
		const mail = mailsTo(o.seller, 'Fire drill')[0]!.parsed;
		expect(mail.subject).toBe('[Urgent] Fire drill at 3 pm');
		expect(mail.text).toContain(`${PUBLIC_URL}/home?broadcast=${sent.id}`);
		const pushes = () =>
			receiver.received.filter((push) => push.path === new URL(subscriber.endpoint).pathname);
		await expect.poll(() => pushes().length, { timeout: 30_000 }).toBe(1);
		expect(JSON.parse(subscriber.decrypt(pushes()[0]!.body))).toMatchObject({
			type: 'show',
			title: 'Fire drill at 3 pm',
			tag: `b:${sent.id}`
		});
		expect(pushes()[0]!.headers.urgency).toBe('high');
	}, 90_000);

	it('counts acknowledgements for the sender, once each, and exports them as CSV', async () => {
		const o = await organization('Acknowledging Org');
		const sent = await app.broadcasts.send(
			o.admin,
			input({ title: 'Office closed', body: 'Storm warning.', scope: { kind: 'org' } })
		);
		const first = await app.broadcasts.acknowledge(o.dev, sent.id);
		const again = await app.broadcasts.acknowledge(o.dev, sent.id);
		expect(again.acknowledgedAt).toBe(first.acknowledgedAt);
		expect(await app.broadcasts.pending(o.dev)).toEqual([]);
		expect(await feedKinds(o.dev)).toContain('broadcast.acknowledged');
		expect(await feedKinds(o.admin)).toContain('broadcast.progress');

		const seen = await app.broadcasts.acknowledgements(o.admin, sent.id);
		expect(seen).toMatchObject({ total: 4, acknowledged: 1, percent: 25 });
		expect(seen.recipients.at(-1)).toMatchObject({ name: 'Dana Dev' });
		expect(seen.recipients.filter((p) => p.acknowledgedAt === null).map((p) => p.name)).toEqual([
			'Hedy Head',
			'Otto Ops',
			'Sam Seller'
		]);

		const csv = await (await app.broadcasts.acknowledgementsCsv(o.admin, sent.id)).text();
		const lines = csv.trim().split('\n');
		expect(lines[0]).toBe('name,title,email,acknowledged,acknowledged_at,notices');
		expect(lines).toHaveLength(5);
		expect(lines.find((line) => line.startsWith('Dana Dev'))).toContain(
			`,yes,${first.acknowledgedAt},1`
		);
	}, 60_000);

	it('reminds only those who have not acknowledged, by screen, email and push', async () => {
		const o = await organization('Reminder Org');
		const sent = await app.broadcasts.send(
			o.head,
			input({
				title: 'Server room flooded',
				body: 'Do not enter.',
				scope: { kind: 'department', departmentId: o.eng },
				renotifyMinutes: 5
			})
		);
		// The head's department: its two developers, not Sales.
		expect((await app.broadcasts.acknowledgements(o.head, sent.id)).total).toBe(2);
		expect(await app.broadcasts.pending(o.seller)).toEqual([]);
		await app.broadcasts.acknowledge(o.dev, sent.id);

		await app.broadcasts.remind(sent.id, 1);
		const seen = await app.broadcasts.acknowledgements(o.head, sent.id);
		expect(seen.recipients.map((p) => [p.name, p.notices])).toEqual([
			['Otto Ops', 2],
			['Dana Dev', 1]
		]);
		await expect
			.poll(() => mailsTo(o.ops, 'Reminder: [Urgent] Server room flooded').length, {
				timeout: 30_000
			})
			.toBe(1);
		expect(mailsTo(o.dev, 'Reminder:')).toEqual([]);
		expect((await feedKinds(o.ops)).filter((k) => k === 'broadcast.sent')).toHaveLength(2);
	}, 60_000);

	it('refuses what may not be done, and changes nothing', async () => {
		const o = await organization('Refusing Org');
		const before = await count('broadcasts');
		const toOrg = input({ title: 'Hi', body: 'Hello', scope: { kind: 'org' } });
		const toSales = input({
			title: 'Hi',
			body: 'Hello',
			scope: { kind: 'department', departmentId: o.sales }
		});
		expect(await errorCode(app.broadcasts.send(o.dev, toOrg))).toBe('FORBIDDEN');
		expect(await errorCode(app.broadcasts.send(o.head, toOrg))).toBe('FORBIDDEN');
		expect(await errorCode(app.broadcasts.send(o.head, toSales))).toBe('FORBIDDEN');
		const elsewhere = input({
			title: 'Hi',
			body: 'Hello',
			scope: { kind: 'department', departmentId: crypto.randomUUID() }
		});
		expect(await errorCode(app.broadcasts.send(o.admin, elsewhere))).toBe('NOT_FOUND');
		expect(await count('broadcasts')).toBe(before);

		const sent = await app.broadcasts.send(o.head, {
			...toSales,
			scope: { kind: 'department', departmentId: o.eng }
		});
		// Not sent to them: no acknowledgement for someone else's broadcast.
		expect(await errorCode(app.broadcasts.acknowledge(o.seller, sent.id))).toBe('FORBIDDEN');
		expect(await errorCode(app.broadcasts.acknowledge(o.dev, crypto.randomUUID()))).toBe(
			'NOT_FOUND'
		);
		// Following the acknowledgements: the sender or a Super Admin.
		expect(await errorCode(app.broadcasts.acknowledgements(o.dev, sent.id))).toBe('FORBIDDEN');
		expect((await app.broadcasts.acknowledgements(o.admin, sent.id)).acknowledged).toBe(0);

		// Inputs the contract refuses before anything runs.
		for (const bad of [
			{ title: '', body: 'x', scope: { kind: 'org' } },
			{ title: 'x', body: 'x', scope: { kind: 'team' } },
			{ title: 'x', body: 'x', scope: { kind: 'org' }, renotifyMinutes: 7 },
			{ title: 'x', body: 'x', scope: { kind: 'department', departmentId: 'nope' } }
		]) {
			expect(sendBroadcastSchema.safeParse(bad).success).toBe(false);
		}
	}, 60_000);
});
