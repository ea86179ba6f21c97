import { describe, expect, it } from 'vitest';
import { describeEachApp, databaseKinds } from '../testing/each-database.ts';
import { useTeamOfPeople, type TestApp } from '../testing/test-app.ts';
import { useServedApp } from '../testing/served-app.ts';
import { errorCode } from '../testing/error-code.ts';
import { databaseFingerprint } from '../testing/database-fingerprint.ts';
import { SESSION_COOKIE } from '../auth/session-token.ts';
import { uploadBytes } from '../files/testing/upload.ts';
import { png } from '../files/testing/samples.ts';
import { storedBytes, writeOldMessages } from './testing/old-messages.ts';
import { documentName } from '#shared/chat/document-schema.ts';
import type { SessionUser } from '#shared/api/auth.schema.ts';
import type { LegalHoldTarget } from '#shared/api/retention.schema.ts';
import { searchRequestSchema } from '#shared/api/search.schema.ts';
import { auditQuerySchema } from '#shared/api/org.schema.ts';

const DAY = 86_400_000;

async function count(app: TestApp, query: string, id: string): Promise<number> {
	const rows = await app.database.sql.unsafe<{ n: number }[]>(query, [id]);
	return rows[0]!.n;
}

const messagesIn = (app: TestApp, channelId: string) =>
	count(app, 'select count(*)::int as n from messages where channel_id = $1', channelId);

/**
 * Retention and legal hold on the real database and storage: rules and their previews, the run
 * that deletes what is due from the record, the files and the Yjs documents (their stored bytes
 * searched for the deleted text), and legal holds that keep a channel's or a person's messages.
 */
describeEachApp('retention on %s', (app) => {
	const world = useTeamOfPeople(() => app, 'Retention Org', ['Alice', 'Bruno', 'Carla']);
	const [alice, bruno, carla] = world.people;
	const admin = () => world.admin.user;
	/** Places a legal hold on a channel or a person, as `actor`. */
	const placeHold = (actor: SessionUser, target: LegalHoldTarget, reason: string) =>
		app.retention.placeHold(actor, { target, reason });

	it('a Super Admin sets the rule after a preview of what it deletes; the run deletes exactly that, from the record, the files and the document bytes', async () => {
		const channel = await app.createPrivateGroup(admin(), 'Old plans', [
			alice.user.id,
			bruno.user.id
		]);
		const old = Date.now() - 10 * DAY;
		const [oldId, , , recentId] = await writeOldMessages(app.database.sql, { id: channel.id }, [
			{
				authorId: alice.user.id,
				text: 'Zanzibar quarterly secret',
				at: old,
				reactedBy: bruno.user.id
			},
			{ authorId: bruno.user.id, text: 'Marmalade budget figures', at: old + 1000 },
			{ authorId: alice.user.id, text: 'Pumpernickel rollout note', at: old + 2000 },
			{ authorId: bruno.user.id, text: 'Fresh message from today', at: Date.now() - 1000 }
		]);
		// A file on the oldest message, in storage.
		const file = await uploadBytes(app.files, alice.user, channel.id, png, 'old.png');
		await app.files.files.attach(oldId!, [file.id]);
		const key = (await app.files.files.find(file.id))!.storageKey;
		expect(await app.files.storage.exists(key)).toBe(true);
		// And a version history.
		expect(await messagesIn(app, channel.id)).toBe(4);

		const preview = await app.retention.previewOrgRule(admin(), { mode: 'days', days: 7 });
		expect(preview).toMatchObject({ messages: 3, files: 1, held: 0 });
		await app.retention.setOrgRule(admin(), { mode: 'days', days: 7 });
		expect((await app.retention.overview(admin())).org).toEqual({ mode: 'days', days: 7 });

		const name = documentName('channel', channel.id, 0);
		const before = await storedBytes(app.database.sql, name);
		for (const text of ['Zanzibar', 'Marmalade', 'Pumpernickel']) {
			expect(before.includes(text)).toBe(true);
		}

		const result = await app.retention.runOrg(admin().orgId);
		expect(result.messages).toBeGreaterThanOrEqual(3);

		// The record: the old ones and their versions are gone, today's stays.
		expect(await messagesIn(app, channel.id)).toBe(1);
		expect(
			await count(
				app,
				'select count(*)::int as n from message_versions where message_id = $1',
				oldId!
			)
		).toBe(0);
		expect(
			await count(app, 'select count(*)::int as n from messages where id = $1', recentId!)
		).toBe(1);
		// Server search no longer finds it.
		const found = await app.search.search(alice.user, searchRequestSchema.parse({ q: 'zanzibar' }));
		expect(JSON.stringify(found)).not.toContain('Zanzibar');
		// The file, in storage and as a row.
		expect(await app.files.storage.exists(key)).toBe(false);
		expect(await app.files.files.find(file.id)).toBeNull();
		// The document's stored bytes, compacted state and update log alike.
		const after = await storedBytes(app.database.sql, name);
		for (const text of ['Zanzibar', 'Marmalade', 'Pumpernickel']) {
			expect(after.includes(text)).toBe(false);
		}
		expect(after.includes('Fresh message from today')).toBe(true);
		// Running again deletes nothing more.
		const again = await app.retention.runOrg(admin().orgId);
		expect(again.messages).toBe(0);
		await app.retention.setOrgRule(admin(), { mode: 'forever' });
	});

	it('a legal hold on a channel or a person keeps their messages whatever the rules say; placing and lifting is audited', async () => {
		const held = await app.createPrivateGroup(admin(), 'Held room', [alice.user.id, carla.user.id]);
		const open = await app.createPrivateGroup(admin(), 'Open room', [alice.user.id, carla.user.id]);
		const old = Date.now() - 5 * DAY;
		await writeOldMessages(app.database.sql, { id: held.id }, [
			{ authorId: alice.user.id, text: 'Held channel evidence', at: old }
		]);
		await writeOldMessages(app.database.sql, { id: open.id }, [
			{ authorId: alice.user.id, text: 'Unheld chatter', at: old },
			{ authorId: carla.user.id, text: 'Carla keeps this', at: old }
		]);
		const channelHold = await placeHold(
			admin(),
			{ kind: 'channel', channelId: held.id },
			'Case 2026-17'
		);
		const personHold = await placeHold(
			admin(),
			{ kind: 'person', userId: carla.user.id },
			'Case 2026-18'
		);
		expect(
			await errorCode(placeHold(admin(), { kind: 'channel', channelId: held.id }, 'Twice'))
		).toBe('CONFLICT');
		const preview = await app.retention.previewChannelRule(admin(), open.id, {
			mode: 'days',
			days: 1
		});
		expect(preview).toMatchObject({ messages: 1, held: 1 });
		await app.retention.setChannelRule(admin(), held.id, { mode: 'days', days: 1 });
		await app.retention.setChannelRule(admin(), open.id, { mode: 'days', days: 1 });

		await app.retention.runOrg(admin().orgId);
		expect(await messagesIn(app, held.id)).toBe(1);
		expect(await messagesIn(app, open.id)).toBe(1);
		const heldBytes = await storedBytes(app.database.sql, documentName('channel', held.id, 0));
		expect(heldBytes.includes('Held channel evidence')).toBe(true);
		const openBytes = await storedBytes(app.database.sql, documentName('channel', open.id, 0));
		expect(openBytes.includes('Unheld chatter')).toBe(false);
		expect(openBytes.includes('Carla keeps this')).toBe(true);

		// Lifted, the next run deletes them.
		await app.retention.liftHold(admin(), channelHold.id);
		await app.retention.liftHold(admin(), personHold.id);
		expect(await errorCode(app.retention.liftHold(admin(), personHold.id))).toBe('NOT_FOUND');
		await app.retention.runOrg(admin().orgId);
		expect(await messagesIn(app, held.id)).toBe(0);
		expect(await messagesIn(app, open.id)).toBe(0);

		const audit = await app.audit.list(admin(), auditQuerySchema.parse({}));
		const actions = JSON.stringify(audit);
		for (const action of ['legal_hold.place', 'legal_hold.lift', 'retention.channel.set']) {
			expect(actions).toContain(action);
		}
	});

	it('refuses what is not the actor’s to do, and changes nothing', async () => {
		const other = await app.createOrganization('Elsewhere Inc');
		const stranger = (await app.join(other.joinCode, 'Sven Stranger')).user;
		const member: SessionUser = await app.sessionUser(alice.user.id);
		expect(await errorCode(app.retention.setOrgRule(member, { mode: 'days', days: 3 }))).toBe(
			'FORBIDDEN'
		);
		expect(
			await errorCode(placeHold(admin(), { kind: 'person', userId: stranger.id }, 'Not ours'))
		).toBe('NOT_FOUND');
		expect(
			await errorCode(
				placeHold(member, { kind: 'person', userId: bruno.user.id }, 'Not mine to place')
			)
		).toBe('FORBIDDEN');
		const team = world.channelId('team');
		expect(
			await errorCode(app.retention.setChannelRule(member, team, { mode: 'days', days: 3 }))
		).toBe('FORBIDDEN');
		expect((await app.retention.overview(admin())).holds).toEqual([]);
	});
});

/** The API answers bad input with a stable code and changes nothing (HTTP through SvelteKit). */
describe.each(databaseKinds.slice(0, 1))('retention API bad input on %s', (kind) => {
	const { app, server } = useServedApp(kind);
	const world = useTeamOfPeople(() => app, 'Retention HTTP Org', ['Tina Member']);

	const send = (token: string, method: string, path: string, body: unknown) =>
		fetch(`${server.origin}${path}`, {
			method,
			headers: {
				'content-type': 'application/json',
				origin: server.origin,
				cookie: `${SESSION_COOKIE}=${token}`
			},
			body: JSON.stringify(body)
		});

	it('refuses -1 days, text days, a hold on another organization’s person and a Team Member’s org rule', async () => {
		const other = await app.createOrganization('Other HTTP Org');
		const admin = world.admin.token;
		const before = await databaseFingerprint(app.database.sql);
		const cases: [string, string, string, unknown, number, string][] = [
			[
				admin,
				'PUT',
				'/api/retention/org',
				{ rule: { mode: 'days', days: -1 } },
				422,
				'VALIDATION_FAILED'
			],
			[
				admin,
				'PUT',
				'/api/retention/org',
				{ rule: { mode: 'days', days: 'ten' } },
				422,
				'VALIDATION_FAILED'
			],
			[
				admin,
				'POST',
				'/api/retention/org/preview',
				{ rule: { mode: 'days', days: 0 } },
				422,
				'VALIDATION_FAILED'
			],
			[
				admin,
				'PUT',
				`/api/channels/${world.channelId('team')}/retention`,
				{ rule: { mode: 'days', days: 1.5 } },
				422,
				'VALIDATION_FAILED'
			],
			[
				admin,
				'POST',
				'/api/retention/holds',
				{ target: { kind: 'person', userId: other.admin.id }, reason: 'Not ours' },
				404,
				'NOT_FOUND'
			],
			[
				world.people[0].token,
				'PUT',
				'/api/retention/org',
				{ rule: { mode: 'days', days: 30 } },
				403,
				'FORBIDDEN'
			]
		];
		for (const [token, method, path, body, status, code] of cases) {
			const response = await send(token, method, path, body);
			expect({ path, body, status: response.status }).toEqual({ path, body, status });
			const answer = (await response.json()) as { error: { code: string; message: string } };
			expect(answer.error.code).toBe(code);
			expect(answer.error.message.length).toBeGreaterThan(0);
		}
		expect(await databaseFingerprint(app.database.sql)).toEqual(before);
	}, 60_000);
});
