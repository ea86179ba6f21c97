import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '#server/testing/each-database.ts';
import { createTestApp, type TestApp } from '#server/testing/test-app.ts';
import {
	DELIVERY_PUBLIC_URL,
	startAppWithDelivery,
	type DeliveryServices
} from '#server/testing/delivery-services.ts';
import { createTestDatabase, type TestDatabase } from '#server/testing/test-database.ts';
import { openDatabase } from '#server/db/database.ts';
import { MessageRecordService } from '#server/messages/message-record.service.ts';
import { MessageRepository } from '#server/messages/message.repository.ts';
import type { SmtpTestServer } from '#server/mail/testing/smtp-test-server.ts';
import type { PushReceiver } from '#server/push/testing/push-receiver.ts';
import type { SessionUser } from '#shared/api/auth.schema.ts';
import { listNotificationsQuery } from '#shared/api/notifications.schema.ts';
import { LocalPresenceStore } from './presence-store.ts';
import { AwayDeliveryListener } from './away-delivery.ts';

/** The in-process presence store, counting its reads. */
class CountedPresenceStore extends LocalPresenceStore {
	reads = 0;

	override read(orgId: string) {
		this.reads++;
		return super.read(orgId);
	}
}
const PUBLIC_URL = DELIVERY_PUBLIC_URL;

/**
 * Email and push for people who are away, end to end on the real parts: messages recorded as the
 * collaboration server records them, notifications, the presence store, the job queue, real SMTP
 * (smtp-server) and a local HTTPS push service that decrypts what it receives.
 */
describeEachDatabase('away delivery on %s', (kind) => {
	let services: DeliveryServices;
	let smtp: SmtpTestServer;
	let receiver: PushReceiver;
	let app: TestApp;
	let presence: CountedPresenceStore;
	let listener: AwayDeliveryListener;
	let at = Date.parse('2026-04-01T09:00:00Z');

	beforeAll(async () => {
		services = await startAppWithDelivery(kind);
		({ smtp, receiver, app } = services);
		presence = new CountedPresenceStore();
		listener = new AwayDeliveryListener(app, presence);
	}, 60_000);

	afterAll(async () => {
		await listener?.close();
		await services?.close();
	});

	async function user(token: string): Promise<SessionUser> {
		return (await app.auth.validateToken(token))!.user;
	}

	async function organization(name: string) {
		const org = await app.createOrganization(name);
		const team = await app.createTeam(org.admin, 'Platform', 'Engineering');
		const [ann, ben] = await app.joinTeam(org, team.id, ['Ann Author', 'Ben Away']);
		const people = { ann: await user(ann!.token), ben: await user(ben!.token) };
		const channel = (await app.channels.list(people.ann)).find((c) => c.kind === 'team')!.id;
		// Ben's emails wait 2 s for more, not 10 minutes.
		await app.database.sql`
			insert into notification_settings (user_id, email_batch_seconds) values (${people.ben.id}, 2)`;
		return { ...people, channel };
	}

	/** Records a message as the collaboration server does and waits for its notifications. */
	async function post(channelId: string, author: SessionUser, text: string, mentions: string[]) {
		at += 60_000;
		const id = crypto.randomUUID();
		const record = new MessageRecordService(
			new MessageRepository(app.database.sql),
			app.notifications
		);
		await record.recordMessage(channelId, 0, author.id, {
			value: { id, text, mentions, version: 1, createdAt: at, threadId: null } as never,
			acceptedAt: at
		});
		await record.idle();
		await app.notifications.idle();
		return id;
	}

	const emailsTo = (address: string) => smtp.received.filter((mail) => mail.to.includes(address));

	/**
	 * Waits until a person's email jobs have all run (none waiting or running, at least one
	 * done): what they sent is then all they will send, with no guess at how long to wait.
	 */
	async function emailJobsDone(sql: TestApp['database']['sql'], personId: string) {
		const states = async () =>
			(
				await sql<{ state: string }[]>`
					select state from pgboss.job
					where name = 'notifications.email-missed' and data->>'personId' = ${personId}`
			).map((row) => row.state);
		await expect
			.poll(
				async () => {
					const now = await states();
					return now.length > 0 && now.every((state) => state === 'completed');
				},
				{ timeout: 30_000, interval: 200 }
			)
			.toBe(true);
	}

	it('emails a person away one email per conversation, without what they read meanwhile', async () => {
		const o = await organization('Batch Works');
		const first = await post(o.channel, o.ann, 'Deploy @Ben Away at noon?', [o.ben.id]);
		const second = await post(o.channel, o.ann, '@Ben Away the runbook is updated', [o.ben.id]);
		const third = await post(o.channel, o.ann, '@Ben Away and the rollback too', [o.ben.id]);
		// Ben reads the second on another device before the interval is over.
		const listed = await app.notifications.list(o.ben, { limit: 10, unread: true });
		const read = listed.notifications.find((n) => n.messageId === second)!;
		await app.notifications.markRead(o.ben, read.id);

		await expect.poll(() => emailsTo(o.ben.email).length, { timeout: 20_000 }).toBe(1);
		const [mail] = emailsTo(o.ben.email);
		const text = mail!.parsed.text ?? '';
		expect(text).toContain('Deploy @Ben Away at noon?');
		expect(text).toContain('and the rollback too');
		expect(text, 'what Ben read elsewhere is not in it').not.toContain('runbook');
		expect(text).toContain(`${PUBLIC_URL}/c/${o.channel}?message=${first}`);
		expect(text).toContain(`${PUBLIC_URL}/c/${o.channel}?message=${third}`);
		expect(mail!.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
		// Nothing more comes for these: each notification is in one email at most.
		await emailJobsDone(app.database.sql, o.ben.id);
		expect(emailsTo(o.ben.email)).toHaveLength(1);
	}, 60_000);

	it('sends nothing when everything was read before the interval ended', async () => {
		const o = await organization('Read In Time');
		await post(o.channel, o.ann, '@Ben Away quick question', [o.ben.id]);
		await app.notifications.markAllRead(o.ben, { channelId: null });
		await emailJobsDone(app.database.sql, o.ben.id);
		expect(emailsTo(o.ben.email)).toEqual([]);
	}, 30_000);

	it('reads the organization’s presence once for all the notifications of one message', async () => {
		const org = await app.createOrganization('One Read');
		const team = await app.createTeam(org.admin, 'Platform', 'Engineering');
		const joined = await app.joinTeam(org, team.id, ['Ann', 'Bo', 'Cy', 'Di', 'Ed']);
		const [ann, ...others] = await Promise.all(joined.map((person) => user(person!.token)));
		const channel = (await app.channels.list(ann!)).find((c) => c.kind === 'team')!.id;
		const notified = await app.notifications.list(others[0]!, listNotificationsQuery.parse({}));
		const before = presence.reads;
		await post(
			channel,
			ann!,
			'Everyone: the release is tonight',
			others.map((person) => person.id)
		);
		await listener.idle();
		expect(
			(await app.notifications.list(others[0]!, listNotificationsQuery.parse({}))).unread
		).toBe(notified.unread + 1);
		expect(presence.reads - before).toBe(1);
	}, 60_000);

	it('pushes to a person away, not to one active on a device, and closes it when read', async () => {
		const o = await organization('Push Works');
		const subscriber = receiver.subscriber();
		await app.push.subscribe(o.ben, subscriber.json);
		const pushes = () =>
			receiver.received.filter((push) => push.path === new URL(subscriber.endpoint).pathname);

		// Active in a tab: no push (and no email job).
		await presence.publish(o.ben.orgId, new Map([[o.ben.id, 'online']]));
		await post(o.channel, o.ann, '@Ben Away are you there?', [o.ben.id]);
		await new Promise((resolve) => setTimeout(resolve, 1_000));
		expect(pushes()).toEqual([]);

		// Away (idle tab): a push, shown by the browser as Ann's message in the channel.
		await presence.publish(o.ben.orgId, new Map([[o.ben.id, 'away']]));
		const asked = await post(o.channel, o.ann, '@Ben Away the build is red', [o.ben.id]);
		await expect.poll(() => pushes().length, { timeout: 10_000 }).toBe(1);
		const shown = JSON.parse(subscriber.decrypt(pushes()[0]!.body)) as Record<string, string>;
		expect(shown).toMatchObject({
			type: 'show',
			title: 'Ann Author in #Platform',
			tag: `c:${o.channel}`
		});
		expect(shown.url).toContain(`message=${asked}`);
		expect(pushes()[0]!.headers.urgency).toBe('high');

		// Read on some device: the shown notification is closed.
		await app.notifications.markAllRead(o.ben, { channelId: o.channel });
		await expect.poll(() => pushes().length, { timeout: 10_000 }).toBe(2);
		const closed = JSON.parse(subscriber.decrypt(pushes()[1]!.body)) as Record<string, string>;
		expect(closed).toMatchObject({ type: 'close', tag: `c:${o.channel}` });
	}, 60_000);

	it('keeps a scheduled email through a restart and sends it once from two processes', async () => {
		// A database that outlives the processes: a folder for PGlite, a database for Postgres.
		const base = await createTestDatabase(kind);
		const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-away-'));
		const open = (): Promise<TestDatabase> =>
			kind === 'postgres'
				? openDatabase({ databaseUrl: base.url!, maxConnections: 5 })
				: openDatabase({ pgliteDir: folder });
		const env = {
			SMTP_URL: smtp.url,
			PUBLIC_URL,
			MAIL_FROM: 'ConnectFlow <cf@example.test>',
			JOBS_SUPERVISE_SECONDS: '1'
		};
		// The first process records the message and schedules the email, then stops before it is due.
		const first = await createTestApp(kind, await open(), { env });
		const firstListener = new AwayDeliveryListener(first, new LocalPresenceStore());
		const org = await first.createOrganization('Restart Works');
		const team = await first.createTeam(org.admin, 'Platform', 'Engineering');
		const [ann, ben] = await first.joinTeam(org, team.id, ['Ann Author', 'Ben Away']);
		const annUser = (await first.auth.validateToken(ann!.token))!.user;
		const benUser = (await first.auth.validateToken(ben!.token))!.user;
		await first.database.sql`
			insert into notification_settings (user_id, email_batch_seconds) values (${benUser.id}, 3)`;
		const channel = (await first.channels.list(annUser)).find((c) => c.kind === 'team')!.id;
		const record = new MessageRecordService(
			new MessageRepository(first.database.sql),
			first.notifications
		);
		await record.recordMessage(channel, 0, annUser.id, {
			value: {
				id: crypto.randomUUID(),
				text: '@Ben Away before the restart',
				mentions: [benUser.id],
				version: 1,
				createdAt: at,
				threadId: null
			} as never,
			acceptedAt: at
		});
		await record.idle();
		await first.notifications.idle();
		await firstListener.close();
		await first.close();
		expect(emailsTo(benUser.email), 'not due yet when the first process stopped').toEqual([]);

		// The processes after it (on Postgres two at once; PGlite's folder takes one): the email
		// goes out once.
		const second = await createTestApp(kind, await open(), { env });
		await second.jobQueue.start();
		const third = kind === 'postgres' ? await createTestApp(kind, await open(), { env }) : null;
		await third?.jobQueue.start();
		try {
			await expect.poll(() => emailsTo(benUser.email).length, { timeout: 30_000 }).toBe(1);
			await emailJobsDone(second.database.sql, benUser.id);
			expect(emailsTo(benUser.email)).toHaveLength(1);
			expect(emailsTo(benUser.email)[0]!.parsed.text).toContain('before the restart');
		} finally {
			await third?.close();
			await second.close();
			await base.close();
			fs.rmSync(folder, { recursive: true, force: true });
		}
	}, 90_000);
});
