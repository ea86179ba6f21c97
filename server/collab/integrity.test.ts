import { logger } from '#server/logging/logger.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachHarness } from './testing/collab-suite.ts';
import * as Y from 'yjs';
import { documentName, listMessages, postMessage } from '#shared/chat/document-schema.ts';
import { applyStored, DocumentRepository } from '#server/documents/document.repository.ts';
import { presenceDocumentName } from '#shared/chat/presence.ts';
import { useTeamOfPeople, type SignedInPerson as Person } from '#server/testing/test-app.ts';
import {
	claimClockAhead,
	connectClient,
	firstCloseAt,
	underClientIdOf,
	waitFor,
	type TestClient
} from './testing/collab-harness.ts';

/**
 * Integrity of conversations (issue 12): a document name resolves only to the object of its own
 * kind, a project room's end takes effect at its moment, and awareness carries only typing under
 * the sender's own identity and client id.
 */
describeEachHarness('integrity of conversations on %s', (h) => {
	const world = useTeamOfPeople(() => h.app, 'Integrity Co', ['Alice', 'Bob', 'Carol']);
	const { admin } = world;
	const [alice, bob, carol] = world.people;
	let orgId: string;
	let team: string;
	let announcements: string;
	let dm: string;
	let project: string;
	beforeAll(async () => {
		orgId = admin.user.orgId;
		team = world.channelId('team');
		announcements = world.channelId('announcements');
		dm = (await h.app.channels.openDm(alice.user, { memberIds: [bob.user.id] })).id;
		project = (
			await h.app.channels.create(admin.user, {
				kind: 'project',
				name: 'Launch',
				topic: '',
				memberIds: [alice.user.id],
				endsAt: new Date(Date.now() + 86_400_000).toISOString()
			})
		).id;
	});

	async function opened(person: Person, name: string, doc?: Y.Doc): Promise<TestClient> {
		const client = connectClient(h.url, person.token, name, { doc });
		await client.synced;
		return client;
	}

	async function recordedTexts(): Promise<string[]> {
		const rows = await h.app.database.sql<{ text: string }[]>`select text from messages`;
		return rows.map((row) => row.text);
	}

	it('opens no document under an id of another kind, and stores nothing for it', async () => {
		const headsBefore = await h.app.database.sql<{ id: string; headShard: number }[]>`
			select id, head_shard as "headShard" from channels order by id`;
		const names = [
			// A channel's id (the team, announcements, a project room) as another kind.
			documentName('dm', team, 0),
			documentName('breakout', team, 0),
			documentName('breakout', announcements, 0),
			documentName('dm', announcements, 0),
			documentName('breakout', project, 0),
			documentName('dm', project, 0),
			// A direct conversation's id as another kind.
			documentName('channel', dm, 0),
			documentName('breakout', dm, 0),
			// The organization's and a person's ids as conversations.
			documentName('channel', orgId, 0),
			documentName('dm', orgId, 0),
			documentName('breakout', orgId, 0),
			documentName('channel', alice.user.id, 0),
			// Presence documents named with conversation ids, or spelled like a conversation.
			presenceDocumentName(team),
			presenceDocumentName(dm),
			presenceDocumentName(alice.user.id),
			`presence.${orgId}.0`
		];
		for (const name of names) {
			const client = connectClient(h.url, alice.token, name, { maxAttempts: 1 });
			// What an attacker would write there: 3 messages into the would-be document.
			for (let i = 0; i < 3; i++) postMessage(client.doc, alice.user.id, { text: `smuggled ${i}` });
			await waitFor(() => client.denied.length > 0, 5_000, `a refusal of ${name}`);
			expect(client.denied[0], name).toMatch(/^(invalid-document|forbidden)/);
			expect(h.collab.hocuspocus.documents.has(name), name).toBe(false);
			client.destroy();
		}
		await h.collab.idle();
		const stored = await h.app.database.sql<{ name: string }[]>`
			select name from documents where name in ${h.app.database.sql(names)}
			union select name from document_updates where name in ${h.app.database.sql(names)}`;
		expect(stored).toEqual([]);
		expect(await recordedTexts()).not.toContain('smuggled 0');
		const headsAfter = await h.app.database.sql<{ id: string; headShard: number }[]>`
			select id, head_shard as "headShard" from channels order by id`;
		expect(headsAfter).toEqual(headsBefore);
	});

	it('records a direct conversation under its own id, and a channel under its own', async () => {
		const inDm = await opened(alice, documentName('dm', dm, 0));
		const inTeam = await opened(alice, documentName('channel', team, 0));
		const private_ = postMessage(inDm.doc, alice.user.id, { text: 'just between us' });
		const public_ = postMessage(inTeam.doc, alice.user.id, { text: 'for the team' });
		await inDm.acknowledged();
		await inTeam.acknowledged();
		await h.collab.idle();
		const rows = await h.app.database.sql<{ id: string; channelId: string }[]>`
			select id, channel_id as "channelId" from messages where id in (${private_.id}, ${public_.id})`;
		expect(Object.fromEntries(rows.map((row) => [row.id, row.channelId]))).toEqual({
			[private_.id]: dm,
			[public_.id]: team
		});
		inDm.destroy();
		inTeam.destroy();
	});

	it('ends a project room at its moment for connections already open', async () => {
		const endsAt = Date.now() + 1_500;
		const room = await h.app.channels.create(admin.user, {
			kind: 'project',
			name: 'Sprint',
			topic: '',
			memberIds: [alice.user.id],
			endsAt: new Date(endsAt).toISOString()
		});
		const name = documentName('channel', room.id, 0);
		const writer = await opened(alice, name);
		const watcher = await opened(admin, name);
		const before = postMessage(writer.doc, alice.user.id, { text: 'before the end' });
		await writer.acknowledged();
		await waitFor(() => listMessages(watcher.doc).some((m) => m.id === before.id));

		// Sent the moment the room ends: the update reaches the server after its end, before
		// anything closed the writer's connection.
		await new Promise((resolve) => setTimeout(resolve, endsAt - Date.now()));
		postMessage(writer.doc, alice.user.id, { text: 'after the end' });
		// The watcher sends nothing: its connection is switched by the room's end alone.
		const switchedAt = await firstCloseAt(
			watcher,
			5_000,
			'the watcher to be switched to read-only'
		);
		expect(watcher.closes[0]).toMatch(/^access-changed/);
		// By the room's own end, not before it (the timer at `ends_at`, not a later sweep: the
		// wait above gives up after 5 s).
		expect(switchedAt).toBeGreaterThanOrEqual(endsAt);
		await waitFor(() => writer.closes.length > 0, 5_000, 'the writer to be closed');
		expect(writer.closes[0]).toMatch(/^(access-changed|refused: read-only)/);
		logger.info(
			{ switchedAfterEndMs: switchedAt - endsAt, latePost: writer.closes[0] },
			'project room ended for open connections'
		);

		await h.collab.idle();
		const stored = new Y.Doc();
		applyStored(stored, await new DocumentRepository(h.app.database.sql).load(name));
		expect(listMessages(stored).map((m) => m.text)).toEqual(['before the end']);
		expect(listMessages(watcher.doc).map((m) => m.text)).toEqual(['before the end']);
		expect(await recordedTexts()).not.toContain('after the end');

		// Reconnecting, the writer is read-only: the end is in the database too.
		const again = connectClient(h.url, alice.token, name);
		await again.synced;
		expect(again.provider.authorizedScope).toBe('readonly');
		writer.destroy();
		watcher.destroy();
		again.destroy();
	});

	describe('awareness', () => {
		const typingStates = (client: TestClient) =>
			[...client.provider.awareness!.getStates().entries()].filter(
				([clientId, state]) =>
					clientId !== client.provider.awareness!.clientID && state.typing?.typing === true
			);
		/** Types as Alice (with a growing `at`) until the watcher sees her, and sees only her. */
		const typeUntilOnlyAliceSeen = async (
			type: (at: number) => void,
			watcher: TestClient,
			what: string
		) => {
			let at = 10;
			await waitFor(
				() => {
					type(at++);
					return typingStates(watcher).some(([, state]) => state.user.id === alice.user.id);
				},
				5_000,
				what
			);
			expect(typingStates(watcher).map(([, state]) => state.user.id)).toEqual([alice.user.id]);
		};

		it('relays only the typing signal, of bounded size, and nothing else', async () => {
			const name = documentName('channel', team, 0);
			const watcher = await opened(carol, name);
			const seen: Record<string, unknown>[] = [];
			const own = watcher.provider.awareness!.clientID;
			watcher.provider.awareness!.on('change', () => {
				for (const [clientId, state] of watcher.provider.awareness!.getStates()) {
					if (clientId !== own) seen.push(state);
				}
			});
			const sender = await opened(bob, name);
			const awareness = sender.provider.awareness!;
			const user = { id: bob.user.id, name: 'Bob' };
			const at = Date.now();
			const attempts: Record<string, unknown>[] = [
				{ user, typing: { typing: true, at, threadId: null }, junk: 'x'.repeat(195_000) },
				{ user, typing: { typing: true, at, threadId: null, note: 'x'.repeat(1_000) } },
				{ user, typing: { typing: true, at, threadId: 'y'.repeat(100_000) } },
				{ user: { id: bob.user.id, name: 'B'.repeat(150_000) }, typing: null },
				{ user, typing: 'yes' },
				{ user, profile: { avatar: 'data:'.padEnd(50_000, 'A') } }
			];
			for (const state of attempts) {
				awareness.setLocalState(state);
				await new Promise((resolve) => setTimeout(resolve, 50));
			}
			// The honest signal after them arrives: everything before it was read and dropped.
			awareness.setLocalState({ user, typing: { typing: true, at: at + 1, threadId: null } });
			await waitFor(() => typingStates(watcher).some(([, state]) => state.typing.at === at + 1));
			const relayed = JSON.stringify(seen);
			expect(relayed).not.toContain('xxxxxxxxxx');
			expect(relayed).not.toContain('yyyyyyyyyy');
			expect(relayed).not.toContain('BBBBBBBBBB');
			expect(relayed).not.toContain('AAAAAAAAAA');
			expect(relayed).not.toContain('"yes"');
			for (const state of seen) {
				expect(Object.keys(state).sort()).toEqual(['typing', 'user']);
			}
			expect(relayed.length).toBeLessThan(10_000);
			sender.destroy();
			watcher.destroy();
		});

		it('keeps a client id to the person who first used it, through their reconnection', async () => {
			const name = documentName('channel', announcements, 0);
			const watcher = await opened(carol, name);
			const honest = await opened(alice, name);
			const honestAwareness = honest.provider.awareness!;
			const typeAsAlice = (at: number) =>
				honestAwareness.setLocalState({
					user: { id: alice.user.id, name: 'Alice' },
					typing: { typing: true, at, threadId: null }
				});
			typeAsAlice(1);
			await waitFor(() =>
				typingStates(watcher).some(([, state]) => state.user.id === alice.user.id)
			);

			// Mallory's provider shares Alice's awareness client id, with a clock far ahead.
			const mallory = await opened(bob, name, underClientIdOf(honest.doc));
			const forged = mallory.provider.awareness!;
			const publishForged = (at: number) => {
				forged.meta.set(forged.clientID, { clock: 1_000 + at, lastUpdated: Date.now() });
				forged.setLocalState({
					user: { id: bob.user.id, name: 'Bob' },
					typing: { typing: true, at, threadId: null }
				});
			};
			publishForged(2);
			await new Promise((resolve) => setTimeout(resolve, 200));
			expect(typingStates(watcher).map(([, state]) => state.user.id)).toEqual([alice.user.id]);

			// Alice's connection drops; Mallory publishes under her id meanwhile.
			honestAwareness.setLocalState(null);
			honest.socket.disconnect();
			await waitFor(() => typingStates(watcher).length === 0, 5_000, 'Alice’s state to go');
			publishForged(3);
			await new Promise((resolve) => setTimeout(resolve, 200));
			expect(typingStates(watcher)).toEqual([]);

			// Alice comes back (the same provider, as the app reconnects) and types: she is seen.
			void honest.socket.connect();
			await waitFor(() => honest.provider.isSynced, 5_000, 'Alice to sync again');
			await typeUntilOnlyAliceSeen(typeAsAlice, watcher, 'Alice’s typing after her reconnection');
			mallory.destroy();
			honest.destroy();
			watcher.destroy();
		});

		it('keeps a client id to its owner after everyone left and the document unloaded', async () => {
			const name = documentName('channel', team, 0);
			const aliceDoc = new Y.Doc();
			const first = await opened(alice, name, aliceDoc);
			const typeAs = (client: TestClient, person: Person, at: number) =>
				client.provider.awareness!.setLocalState({
					user: { id: person.user.id, name: person.user.name },
					typing: { typing: true, at, threadId: null }
				});
			const firstWatcher = await opened(carol, name);
			typeAs(first, alice, 1);
			await waitFor(() => typingStates(firstWatcher).length === 1, 5_000, 'Alice typing');
			first.destroy();
			firstWatcher.destroy();
			await waitFor(
				() => !h.collab.hocuspocus.documents.has(name),
				10_000,
				'the document to unload'
			);

			// Mallory comes first, under the id Alice's tab still has, with a clock far ahead.
			const mallory = await opened(bob, name, underClientIdOf(aliceDoc));
			claimClockAhead(mallory);
			typeAs(mallory, bob, 2);
			const watcher = await opened(carol, name);
			await new Promise((resolve) => setTimeout(resolve, 300));
			expect(typingStates(watcher)).toEqual([]);

			// Alice's tab reconnects with its id and types: everyone sees her.
			const back = await opened(alice, name, aliceDoc);
			await typeUntilOnlyAliceSeen(
				(at) => typeAs(back, alice, at),
				watcher,
				'Alice’s typing after the unload'
			);
			mallory.destroy();
			back.destroy();
			watcher.destroy();
		});
	});
});
