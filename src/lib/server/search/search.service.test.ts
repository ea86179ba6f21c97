import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDatabaseKinds } from '../testing/test-database.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { MessageRepository } from '../messages/message.repository.ts';
import type { SessionUser } from '#shared/api/auth.schema.ts';

const kinds = await availableDatabaseKinds();

describe.each(kinds)('server search on %s', (kind) => {
	let app: TestApp;
	let admin: SessionUser;
	let alice: SessionUser;
	let bob: SessionUser;
	let channels: Record<string, string>;
	let at = Date.parse('2026-10-15T09:00:00Z');

	beforeAll(async () => {
		app = await createTestApp(kind);
		const org = await app.createOrganization('Searchable');
		admin = org.admin;
		const dept = await app.org.createDepartment(admin, { name: 'Engineering' });
		const platform = await app.org.createTeam(admin, { name: 'Platform', departmentId: dept.id });
		const mobile = await app.org.createTeam(admin, { name: 'Mobile', departmentId: dept.id });
		const refresh = async (id: string) =>
			(await app.auth.validateToken(
				(await app.auth.issueSession(id, { userAgent: '', ip: '' })).token
			))!.user;
		const a = await app.join(org.joinCode, 'Alice Álvarez');
		const b = await app.join(org.joinCode, 'Bob Brown');
		await app.people.assign(admin, a.user.id, { teamId: platform.id });
		await app.people.assign(admin, b.user.id, { teamId: mobile.id });
		alice = await refresh(a.user.id);
		bob = await refresh(b.user.id);
		const secret = await app.channels.create(bob, {
			kind: 'private',
			name: 'bob-secret',
			topic: '',
			memberIds: []
		});
		const dm = await app.channels.openDm(alice, { memberIds: [admin.id] });
		const list = await app.channels.list(admin);
		channels = {
			platform: list.find((c) => c.name === 'Platform')!.id,
			mobile: list.find((c) => c.name === 'Mobile')!.id,
			secret: secret.id,
			dm: dm.id
		};
		const messages = new MessageRepository(app.database.sql);
		const post = async (
			channel: string,
			author: SessionUser,
			text: string,
			extra: Partial<Parameters<MessageRepository['upsert']>[0]> = {}
		) => {
			at += 3_600_000;
			const id = crypto.randomUUID();
			await messages.upsert({
				id,
				channelId: channels[channel]!,
				shard: 0,
				authorId: author.id,
				threadId: null,
				text,
				mentions: [],
				attachments: [],
				version: 1,
				createdAt: new Date(at),
				acceptedAt: new Date(at),
				editedAt: null,
				deleted: false,
				...extra
			});
			return id;
		};
		await post('platform', alice, 'The deployment of the gateway went fine');
		await post('platform', alice, 'Déploiement en production demain', {
			attachments: [
				{ kind: 'image', id: crypto.randomUUID(), name: 'a.png', size: 1, mimeType: 'image/png' }
			]
		});
		await post('platform', admin, 'See https://example.com/runbook for the deploy steps', {
			mentions: [alice.id]
		});
		await post('mobile', bob, 'Mobile deployment is blocked by review');
		await post('secret', bob, 'Secret deployment plans nobody else may see');
		await post('dm', alice, 'Private deployment question for the admin');
	});
	afterAll(() => app.close());

	const texts = async (user: SessionUser, q: string) =>
		(await app.search.search(user, { q, limit: 30 })).hits.map((h) => h.text);

	it('finds partial words, ignoring case and accents, only where the person may read', async () => {
		expect(await texts(alice, 'deplo')).toEqual([
			'Private deployment question for the admin',
			'See https://example.com/runbook for the deploy steps',
			'Déploiement en production demain',
			'The deployment of the gateway went fine'
		]);
		expect(await texts(alice, 'DEPLOIEMENT')).toEqual(['Déploiement en production demain']);
		expect(await texts(bob, 'deplo')).toEqual([
			'Secret deployment plans nobody else may see',
			'Mobile deployment is blocked by review'
		]);
	});

	it('never returns messages of private groups or conversations the person is not in', async () => {
		const adminHits = await texts(admin, 'deployment');
		expect(adminHits).toContain('Mobile deployment is blocked by review');
		expect(adminHits).not.toContain('Secret deployment plans nobody else may see');
		expect(await texts(bob, 'private question')).toEqual([]);
		expect(await texts(bob, 'in:platform gateway')).toEqual([]);
	});

	it('applies from:, in:, has:, mentions:me, before:, after: and is:thread', async () => {
		expect(await texts(alice, 'from:alvarez')).toHaveLength(3);
		expect(await texts(alice, 'deplo in:platform from:ada')).toEqual([
			'See https://example.com/runbook for the deploy steps'
		]);
		expect(await texts(alice, 'has:image')).toEqual(['Déploiement en production demain']);
		expect(await texts(alice, 'has:link')).toEqual([
			'See https://example.com/runbook for the deploy steps'
		]);
		expect(await texts(alice, 'mentions:me')).toEqual([
			'See https://example.com/runbook for the deploy steps'
		]);
		expect(await texts(alice, 'deplo after:2026-10-15 before:2026-10-15')).toEqual([]);
		expect(await texts(alice, 'is:thread')).toEqual([]);
	});

	it('ranks exact words before prefixes at equal recency order', async () => {
		const hits = await texts(admin, 'deploy');
		expect(hits[0]).toBe('See https://example.com/runbook for the deploy steps');
	});
});
