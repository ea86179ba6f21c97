import { beforeAll, expect, it } from 'vitest';
import { recordedMessage } from '../messages/testing/recorded-message.ts';
import { describeEachApp } from '../testing/each-database.ts';
import { MessageRepository } from '../messages/message.repository.ts';
import type { SessionUser } from '#shared/api/auth.schema.ts';

describeEachApp('server search on %s', (app) => {
	let admin: SessionUser;
	let alice: SessionUser;
	let bob: SessionUser;
	let channels: Record<string, string>;
	let at = Date.parse('2026-10-15T09:00:00Z');

	beforeAll(async () => {
		const org = await app.createOrganization('Searchable');
		admin = org.admin;
		const dept = await app.org.createDepartment(admin, { name: 'Engineering' });
		const platform = await app.org.createTeam(admin, { name: 'Platform', departmentId: dept.id });
		const mobile = await app.org.createTeam(admin, { name: 'Mobile', departmentId: dept.id });
		const a = await app.join(org.joinCode, 'Alice Álvarez');
		const b = await app.join(org.joinCode, 'Bob Brown');
		await app.people.assign(admin, a.user.id, { teamId: platform.id });
		await app.people.assign(admin, b.user.id, { teamId: mobile.id });
		alice = await app.sessionUser(a.user.id);
		bob = await app.sessionUser(b.user.id);
		const secret = await app.createPrivateGroup(bob, 'bob-secret', []);
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
			const message = recordedMessage(at, {
				channelId: channels[channel]!,
				authorId: author.id,
				text,
				...extra
			});
			await messages.upsert(message);
			return message.id;
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
		await post('mobile', bob, 'Numbers for the quarter', {
			attachments: [
				{
					kind: 'file',
					id: crypto.randomUUID(),
					name: 'Quarterly-Budget_2026.xlsx',
					size: 10,
					mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
				}
			]
		});
		await post('mobile', bob, '', {
			attachments: [
				{
					kind: 'voice',
					id: crypto.randomUUID(),
					name: 'Voice message.webm',
					size: 9000,
					mimeType: 'audio/webm',
					durationMs: 2500
				}
			]
		});
		await post('secret', bob, 'Secret deployment plans nobody else may see');
		await post('dm', alice, 'Private deployment question for the admin');
	});

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

	it('finds files by their names and voice messages by has:voice', async () => {
		expect(await texts(bob, 'budg')).toEqual(['Numbers for the quarter']);
		expect(await texts(bob, '"budget 2026"')).toEqual(['Numbers for the quarter']);
		expect(await texts(bob, 'quarterly has:file')).toEqual(['Numbers for the quarter']);
		expect(await texts(bob, 'has:voice')).toEqual(['']);
		expect(await texts(bob, 'has:file')).toEqual(['', 'Numbers for the quarter']);
		// The app names voice messages itself: "voice" is not a word of theirs.
		expect(await texts(bob, 'voice')).toEqual([]);
		expect(await texts(alice, 'has:voice budget')).toEqual([]);
		// A result shows the files: a voice message says so, other files by name.
		const files = (await app.search.search(bob, { q: 'has:file', limit: 30 })).hits;
		expect(files.map(({ text, attached, voice }) => ({ text, attached, voice }))).toEqual([
			{ text: '', attached: 'Voice message', voice: true },
			{ text: 'Numbers for the quarter', attached: 'Quarterly-Budget_2026.xlsx', voice: false }
		]);
	});

	it('ranks exact words before prefixes at equal recency order', async () => {
		const hits = await texts(admin, 'deploy');
		expect(hits[0]).toBe('See https://example.com/runbook for the deploy steps');
	});
});
