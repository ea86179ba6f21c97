import { beforeAll, expect, it } from 'vitest';
import { describeEachHarness } from './testing/collab-suite.ts';
import WebSocket from 'ws';
import * as Y from 'yjs';
import {
	acceptedAt,
	documentName,
	listMessages,
	markRead,
	postMessage,
	react,
	deleteMessage,
	editMessage,
	userRoot
} from '#shared/chat/document-schema.ts';
import { useTeamOfPeople, type SignedInPerson } from '#server/testing/test-app.ts';
import { waitFor, type TestClient } from './testing/collab-harness.ts';

describeEachHarness('collaboration server on %s', (h) => {
	const world = useTeamOfPeople(() => h.app, 'Collab Co', ['Alice', 'Bob']);
	const { admin } = world;
	const [alice, bob] = world.people;
	let outsider: SignedInPerson;
	let teamChannel: string;
	let otherTeamChannel: string;
	let announcements: string;
	beforeAll(async () => {
		const mobile = await h.app.org.createTeam(admin.user, {
			name: 'Mobile',
			departmentId: world.team.departmentId
		});
		const org = { admin: admin.user, joinCode: world.joinCode };
		[outsider] = await h.app.joinTeam(org, mobile.id, ['Olga']);
		const channels = await h.app.channels.list(admin.user);
		teamChannel = channels.find((c) => c.kind === 'team' && c.name === 'Platform')!.id;
		otherTeamChannel = channels.find((c) => c.kind === 'team' && c.name === 'Mobile')!.id;
		announcements = channels.find((c) => c.kind === 'announcements')!.id;
	});

	const doc = (id: string, shard = 0) => documentName('channel', id, shard);

	const opened = (token: string, name: string): Promise<TestClient> => h.open(token, name);

	it('delivers a message between two members, stamped by the server and recorded', async () => {
		const a = await opened(alice.token, doc(teamChannel));
		const b = await opened(bob.token, doc(teamChannel));
		const sent = postMessage(a.doc, alice.user.id, {
			text: 'Deploy at **noon**',
			mentions: [bob.user.id]
		});
		await a.acknowledged();
		await waitFor(() => listMessages(b.doc).some((m) => m.id === sent.id && m.acceptedAt !== null));
		const received = listMessages(b.doc).find((m) => m.id === sent.id)!;
		expect(received.text).toBe('Deploy at **noon**');
		expect(received.authorId).toBe(alice.user.id);
		await h.collab.idle();
		const [row] = await h.app.database.sql<{ text: string; authorId: string }[]>`
			select text, author_id as "authorId" from messages where id = ${sent.id}`;
		expect(row).toEqual({ text: 'Deploy at **noon**', authorId: alice.user.id });
		a.destroy();
		b.destroy();
	});

	it('keeps every version of an edited message and marks deletions', async () => {
		const a = await opened(alice.token, doc(teamChannel));
		const sent = postMessage(a.doc, alice.user.id, { text: 'first draft' });
		await a.acknowledged();
		editMessage(a.doc, alice.user.id, sent.id, { text: 'second draft' });
		await a.acknowledged();
		deleteMessage(a.doc, alice.user.id, sent.id);
		await a.acknowledged();
		await h.collab.idle();
		const versions = await h.app.database.sql<
			{ version: number; text: string; deleted: boolean }[]
		>`
			select version, text, deleted from message_versions where message_id = ${sent.id} order by version`;
		expect(versions).toEqual([
			{ version: 1, text: 'first draft', deleted: false },
			{ version: 2, text: 'second draft', deleted: false },
			{ version: 3, text: '', deleted: true }
		]);
		const [message] = await h.app.database.sql<{ deletedAt: Date | null }[]>`
			select deleted_at as "deletedAt" from messages where id = ${sent.id}`;
		expect(message!.deletedAt).not.toBeNull();
		a.destroy();
	});

	it('refuses a person who is not a member, and a forged document name', async () => {
		const client = await h.connect(outsider.token, doc(teamChannel));
		await waitFor(() => client.denied.length > 0);
		expect(client.denied[0]).toMatch(/forbidden/);
		const forged = await h.connect(alice.token, `channel.${teamChannel}.0/../x`);
		await waitFor(() => forged.denied.length > 0);
		const ahead = await h.connect(alice.token, doc(teamChannel, 5));
		await waitFor(() => ahead.denied.length > 0);
		const anonymous = await h.connect('a'.repeat(32), doc(teamChannel));
		await waitFor(() => anonymous.denied.length > 0);
		expect(anonymous.denied[0]).toMatch(/unauthenticated/);
	});

	it('lets everyone react to announcements but only announcers post there', async () => {
		const reader = await opened(alice.token, doc(announcements));
		const announcer = await opened(admin.token, doc(announcements));
		const news = postMessage(announcer.doc, admin.user.id, { text: 'Welcome to Collab Co' });
		await announcer.acknowledged();
		await waitFor(() => listMessages(reader.doc).some((m) => m.id === news.id));
		react(reader.doc, alice.user.id, news.id, '🎉');
		markRead(reader.doc, alice.user.id, news.id);
		await reader.acknowledged();
		await waitFor(
			() => listMessages(announcer.doc).find((m) => m.id === news.id)!.reactions.length === 1
		);
		// The stamp of the news rides on the document's next change or comes within a second: on
		// a loaded machine it may still wait, and the refused post's sync message would release it.
		await waitFor(() => acceptedAt(serverDoc(doc(announcements)), admin.user.id, news.id) !== null);
		const before = Y.encodeStateAsUpdate(serverDoc(doc(announcements)));
		postMessage(reader.doc, alice.user.id, { text: 'Can I post here?' });
		await waitFor(() => reader.closes.some((reason) => reason.includes('may not post')));
		expect(Y.encodeStateAsUpdate(serverDoc(doc(announcements)))).toEqual(before);
		reader.destroy();
		announcer.destroy();
	});

	it('refuses a post sent the moment posting is taken away, while the rights are read again', async () => {
		const group = await h.app.createPrivateGroup(admin.user, 'Just in time', [bob.user.id]);
		const b = await opened(bob.token, doc(group.id));
		// The change is committed and announced; the access watcher has just begun to read Bob's
		// rights again (from the same event) when his message leaves: it reaches the server before
		// that reading ends. What arrives after the commit must be judged by the rights after it.
		let sent = '';
		const off = h.app.events.on('channel.changed', ({ channelId }) => {
			if (channelId === group.id) sent = postMessage(b.doc, bob.user.id, { text: 'In time?' }).id;
		});
		await h.app.channels.update(admin.user, group.id, { postPolicy: 'moderators' });
		off();
		expect(sent).not.toBe('');
		await waitFor(() => b.closes.some((reason) => reason.includes('may not post')));
		await h.collab.idle();
		expect(await h.app.database.sql`select id from messages where id = ${sent}`).toHaveLength(0);
		const reader = await opened(admin.token, doc(group.id));
		expect(listMessages(reader.doc).some((m) => m.id === sent)).toBe(false);
		reader.destroy();
		b.destroy();
	});

	it('refuses forbidden changes from a raw client and keeps the server copy unchanged', async () => {
		const a = await opened(alice.token, doc(teamChannel));
		const own = postMessage(a.doc, alice.user.id, { text: 'Alice owns this' });
		await a.acknowledged();
		// Alice stays connected: the document stays loaded between attempts.

		const attempts: [string, (d: Y.Doc) => void][] = [
			[
				'overwrite someone else’s message',
				(d) =>
					d
						.getMap(userRoot(alice.user.id))
						.set(`m:${own.id}`, { ...own, text: 'hacked', version: 2 })
			],
			[
				'delete someone else’s message',
				(d) => d.getMap(userRoot(alice.user.id)).delete(`m:${own.id}`)
			],
			['post as someone else', (d) => postMessage(d, alice.user.id, { text: 'I am Alice' })],
			['react for someone else', (d) => react(d, alice.user.id, own.id, '👍')],
			['mark read for someone else', (d) => markRead(d, alice.user.id, own.id)],
			['write the server area', (d) => d.getMap('server').set('archived', true)],
			['create another top-level type', (d) => d.getArray('sneaky').insert(0, ['x'])],
			[
				'post a malformed message',
				(d) => d.getMap(userRoot(bob.user.id)).set('m:not-a-uuid', { text: 1 })
			]
		];
		for (const [what, attack] of attempts) {
			const mallory = await opened(bob.token, doc(teamChannel));
			const before = Y.encodeStateAsUpdate(serverDoc(doc(teamChannel)));
			attack(mallory.doc);
			await waitFor(
				() => mallory.closes.some((reason) => reason.startsWith('refused')),
				5_000,
				what
			);
			expect(Y.encodeStateAsUpdate(serverDoc(doc(teamChannel))), what).toEqual(before);
			mallory.destroy();
		}
		expect(listMessages(a.doc).find((m) => m.id === own.id)?.text).toBe('Alice owns this');
		expect(listMessages(a.doc).map((m) => m.authorId)).not.toContain(bob.user.id);
		a.destroy();
	});

	it('lets a Team Manager moderate their team channel, and records it', async () => {
		const a = await opened(alice.token, doc(teamChannel));
		const rude = postMessage(a.doc, alice.user.id, { text: 'something rude' });
		await a.acknowledged();
		const mod = await opened(admin.token, doc(teamChannel));
		mod.doc.getMap(userRoot(alice.user.id)).delete(`m:${rude.id}`);
		await mod.acknowledged();
		await waitFor(
			() =>
				listMessages(a.doc).find((m) => m.id === rude.id)?.moderation != null ||
				!listMessages(a.doc).some((m) => m.id === rude.id && m.text)
		);
		// The record is written off the acknowledgement path: poll until it is there.
		const deletedBy = async () => {
			const [row] = await h.app.database.sql<
				{ deletedBy: string | null }[]
			>`select deleted_by as "deletedBy" from messages where id = ${rude.id}`;
			return row?.deletedBy ?? null;
		};
		for (let tries = 0; tries < 100 && (await deletedBy()) === null; tries++) {
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
		expect(await deletedBy()).toBe(admin.user.id);
		a.destroy();
		mod.destroy();
	});

	it('shows typing under the true identity, whatever a client claims', async () => {
		const a = await opened(alice.token, doc(teamChannel));
		const b = await opened(bob.token, doc(teamChannel));
		b.provider.awareness!.setLocalState({
			user: { id: alice.user.id, name: 'Alice (not really)' },
			typing: { typing: true, at: Date.now() }
		});
		await waitFor(() =>
			[...a.provider.awareness!.getStates().values()].some((state) => state.typing?.typing === true)
		);
		const typing = [...a.provider.awareness!.getStates().values()].find(
			(state) => state.typing?.typing === true
		)!;
		expect(typing.user).toEqual({ id: bob.user.id, name: 'Bob' });
		a.destroy();
		b.destroy();
	});

	it('refuses a WebSocket opened from another site', async () => {
		const raw = new WebSocket(h.url, {
			headers: { cookie: `cf_session=${alice.token}`, origin: 'https://evil.example' }
		});
		const outcome = await new Promise<string>((resolve) => {
			raw.on('open', () => resolve('open'));
			raw.on('unexpected-response', (_request, response) => resolve(String(response.statusCode)));
			raw.on('error', () => resolve('error'));
		});
		expect(outcome).toBe('403');
		raw.terminate();
	});

	it('refuses oversized and garbage frames without harming other clients', async () => {
		const a = await opened(alice.token, doc(teamChannel));
		const b = await opened(bob.token, doc(teamChannel));
		for (const frame of [
			Buffer.alloc(400 * 1024, 7),
			Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3])
		]) {
			const raw = new WebSocket(h.url, { headers: { cookie: `cf_session=${bob.token}` } });
			const closed = new Promise<number>((resolve) => raw.on('close', (code) => resolve(code)));
			raw.on('error', () => {});
			await new Promise((resolve) => raw.on('open', resolve));
			raw.send(frame);
			expect(await closed).toBeGreaterThan(0);
		}
		const after = postMessage(a.doc, alice.user.id, { text: 'still here' });
		await a.acknowledged();
		await waitFor(() => listMessages(b.doc).some((m) => m.id === after.id));
		a.destroy();
		b.destroy();
	});

	it('gives a read-only connection to an ended project room, whose writes never land', async () => {
		const room = await h.app.channels.create(admin.user, {
			kind: 'project',
			name: 'Launch',
			topic: '',
			memberIds: [alice.user.id],
			endsAt: new Date(Date.now() + 60_000).toISOString()
		});
		const name = doc(room.id);
		const writer = await opened(alice.token, name);
		postMessage(writer.doc, alice.user.id, { text: 'before the end' });
		await writer.acknowledged();
		writer.destroy();
		await h.app.database
			.sql`update channels set ends_at = now() - interval '1 minute' where id = ${room.id}`;
		const watcher = await opened(admin.token, name);
		const late = await opened(alice.token, name);
		const before = Y.encodeStateAsUpdate(serverDoc(name));
		postMessage(late.doc, alice.user.id, { text: 'after the end' });
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(Y.encodeStateAsUpdate(serverDoc(name))).toEqual(before);
		expect(listMessages(serverDoc(name)).map((m) => m.text)).toEqual(['before the end']);
		expect(listMessages(watcher.doc).map((m) => m.text)).toEqual(['before the end']);
		late.destroy();
		watcher.destroy();
	});

	it('closes the connection of a person moved out of the team, and refuses them after', async () => {
		const mobileTeam = (await h.app.org.listStructure(admin.user)).teams.find(
			(t) => t.name === 'Mobile'
		)!;
		const b = await opened(bob.token, doc(teamChannel));
		await h.app.people.assign(admin.user, bob.user.id, { teamId: mobileTeam.id });
		await waitFor(() => b.closes.some((reason) => reason.startsWith('access-revoked')));
		b.destroy();
		const again = await h.connect(bob.token, doc(teamChannel));
		await waitFor(() => again.denied.length > 0);
		const mobile = await opened(bob.token, doc(otherTeamChannel));
		expect(mobile.denied).toEqual([]);
		mobile.destroy();
	});

	it('keeps what was acknowledged when the collaboration server restarts', async () => {
		const a = await opened(alice.token, doc(announcements));
		const admins = await opened(admin.token, doc(announcements));
		const kept = postMessage(admins.doc, admin.user.id, { text: 'Survives a restart' });
		await admins.acknowledged();
		a.destroy();
		admins.destroy();
		await waitFor(() => !h.collab.hocuspocus.documents.has(doc(announcements)), 5_000, 'unload');
		const reopened = await opened(alice.token, doc(announcements));
		expect(listMessages(reopened.doc).map((m) => m.id)).toContain(kept.id);
		reopened.destroy();
	});

	function serverDoc(name: string): Y.Doc {
		const document = h.collab.hocuspocus.documents.get(name);
		if (!document) throw new Error(`${name} is not loaded`);
		return document;
	}
});
