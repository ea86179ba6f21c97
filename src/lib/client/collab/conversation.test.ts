import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import * as Y from 'yjs';
import { documentName, postMessage, userRoot } from '$lib/shared/chat/document-schema.ts';
import type { ChannelSummary } from '$lib/shared/api/channels.schema.ts';
import {
	sessionSocket,
	useCollabHarness,
	waitFor,
	type SignedInPerson as Person
} from '#collab/testing/collab-harness.ts';
import type { ConversationNotice } from './close-recovery.ts';
import type { ConversationRights } from './conversation-access.svelte.ts';
import { Conversation } from './conversation.svelte.ts';
import type { LocalCopyFactory } from './local-copy.ts';
import type { SyncedProvider } from './synced-provider.ts';
import { relayDocument } from './tab-relay.ts';

/**
 * The browser's conversation layer against the real collaboration server, over real
 * WebSockets (one shared socket per person, as in a tab), with the documents in memory.
 */

describe('Conversation', () => {
	const h = useCollabHarness('pglite');
	let admin: Person;
	let alice: Person;
	let bob: Person;
	let team: ChannelSummary;
	let announcements: ChannelSummary;
	const sockets: HocuspocusProviderWebsocket[] = [];
	const conversations: Conversation[] = [];

	beforeAll(async () => {
		const org = await h.app.createOrganization('Client Co');
		admin = { user: org.admin, token: org.token };
		const platform = await h.app.createTeam(org.admin, 'Platform', 'Engineering');
		[alice, bob] = await h.app.joinTeam(org, platform.id, ['Alice Archer', 'Bob Baker']);
		const channels = await h.app.channels.list(org.admin);
		team = channels.find((c) => c.kind === 'team')!;
		announcements = channels.find((c) => c.kind === 'announcements')!;
	});

	afterAll(async () => {
		for (const conversation of conversations) conversation.destroy();
		for (const socket of sockets) socket.destroy();
	});

	function socketFor(person: Person): HocuspocusProviderWebsocket {
		const socket = sessionSocket(h.url, person.token);
		sockets.push(socket);
		return socket;
	}

	function open(
		person: Person,
		channel: ChannelSummary,
		rights: ConversationRights = { post: true, react: true, moderate: false },
		notices: ConversationNotice[] = [],
		extra: Partial<ConstructorParameters<typeof Conversation>[0]> = {}
	): Conversation {
		const conversation = new Conversation({
			channel: { id: channel.id, kind: channel.kind, headShard: 0 },
			user: { id: person.user.id, name: person.user.name },
			socket: socketFor(person),
			rights,
			flushDelay: 0,
			onNotice: (notice) => notices.push(notice),
			...extra
		});
		conversations.push(conversation);
		return conversation;
	}

	/** The provider of a conversation's head shard. */
	function headProvider(conversation: Conversation): SyncedProvider {
		return conversation.shards.head.provider!;
	}

	/** A local copy kept in memory: each document starts from what `store` holds for it. */
	const memoryCopies =
		(store: Map<string, Uint8Array>): LocalCopyFactory =>
		(name, doc) => {
			const update = store.get(name);
			if (update) Y.applyUpdate(doc, update, 'local');
			return {
				loaded: Promise.resolve(),
				destroy: async () => {},
				clear: async () => {},
				rewrite: async () => {}
			};
		};

	/** A socket that never connects: the conversation has only its local copy. */
	const offline = () =>
		new HocuspocusProviderWebsocket({ url: 'ws://127.0.0.1:9/none', autoConnect: false });

	/** Alice (her notices into `notices`) and Bob in the team channel, both synced. */
	async function aliceAndBob(notices: ConversationNotice[] = []) {
		const a = open(alice, team, undefined, notices);
		const b = open(bob, team);
		await waitFor(() => a.synced && b.synced, 10_000, 'sync');
		return { a, b };
	}

	it('delivers messages, replies, edits, deletions and reactions between two people', async () => {
		const { a, b } = await aliceAndBob();
		const id = a.send('Deploy at **noon**, @Bob Baker', { mentions: [bob.user.id] });
		expect(a.pendingCount).toBe(1);
		await waitFor(() => b.message(id)?.acceptedAt != null, 5_000, 'delivery');
		await waitFor(() => a.pendingCount === 0, 5_000, 'acknowledgement');
		expect(b.message(id)).toMatchObject({
			authorId: alice.user.id,
			text: 'Deploy at **noon**, @Bob Baker'
		});
		expect(b.unread).toBe(1);

		const reply = b.reply(id, 'On it');
		await waitFor(() => a.replies(id).some((m) => m.id === reply), 5_000, 'reply');
		expect(a.topLevel.map((m) => m.id)).not.toContain(reply);

		b.toggleReaction(id, '👍');
		await waitFor(
			() => a.message(id)?.reactions[0]?.userIds.includes(bob.user.id) === true,
			5_000,
			'reaction'
		);
		expect(b.ownReactions(id)).toEqual(['👍']);
		b.toggleReaction(id, '👍');
		await waitFor(() => a.message(id)?.reactions.length === 0, 5_000, 'unreact');

		a.edit(id, 'Deploy at **one**');
		await waitFor(() => b.message(id)?.editedAt != null, 5_000, 'edit');
		expect(b.message(id)?.text).toBe('Deploy at **one**');

		b.markRead();
		expect(b.unread).toBe(0);
		await waitFor(() => a.seenBy(id).includes(bob.user.id), 5_000, 'seen by');

		a.delete(id);
		await waitFor(() => b.message(id)?.deleted === true, 5_000, 'delete');
		expect(b.message(id)?.text).toBe('');
		// Everyone sees the same order.
		expect(b.messages.map((m) => m.id)).toEqual(a.messages.map((m) => m.id));
	});

	it('moves the read mark only up to a message seen, and counts mentions apart', async () => {
		const group = await h.app.channels.create(admin.user, {
			kind: 'private',
			name: 'Reading room',
			topic: '',
			memberIds: [alice.user.id, bob.user.id]
		});
		// Both are in the Platform team: Bob's @team in a group of no team names his, hers too.
		const platform = team.teamId;
		const a = open(alice, group, undefined, [], {
			teamId: platform,
			mentionScope: {
				channelTeamId: null,
				teamOf: (id) => (id === bob.user.id ? platform : undefined)
			}
		});
		const b = open(bob, group);
		await waitFor(() => a.synced && b.synced, 10_000, 'sync');
		const ids = [
			b.send('Plain news'),
			b.send('@Alice Archer have a look', { mentions: [alice.user.id] }),
			b.send('@team standup', { mentions: ['team'] }),
			b.send('More plain news')
		];
		await waitFor(() => ids.every((id) => a.message(id)?.acceptedAt != null), 5_000, 'delivery');
		expect(
			{ unread: a.unread, mentions: a.mentions, first: a.firstUnreadId },
			'before reading'
		).toEqual({ unread: 4, mentions: 2, first: ids[0] });

		a.markReadUpTo(ids[1]!);
		expect(
			{ unread: a.unread, mentions: a.mentions, first: a.firstUnreadId },
			'after seeing the personal mention'
		).toEqual({ unread: 2, mentions: 1, first: ids[2] });
		a.markReadUpTo(ids[0]!);
		expect(a.unread, 'the mark never moves back').toBe(2);

		// The server's count (channels not loaded in a browser) agrees: what follows stays unread.
		let listed: { unread: number; mentions: number } | undefined;
		const reader = (await h.app.auth.validateToken(alice.token))!.user;
		for (let attempt = 0; attempt < 100; attempt++) {
			const channel = (await h.app.channels.list(reader)).find((c) => c.id === group.id)!;
			listed = { unread: channel.unread, mentions: channel.mentions };
			if (listed.unread === 2) break;
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
		expect(listed, 'server counts after the partial read').toEqual({ unread: 2, mentions: 1 });
	});

	it('shows typing through awareness, publishing nothing there while idle', async () => {
		const { a, b } = await aliceAndBob();
		// Someone present but not typing renews no awareness state in the channel.
		const states = (c: Conversation) =>
			[...headProvider(c).awareness!.getStates().values()].filter(
				(state) => Object.keys(state).length > 0
			);
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(states(b)).toEqual([]);
		a.setTyping(null);
		await waitFor(() => b.typing.some((p) => p.id === alice.user.id), 5_000, 'typing');
		expect(b.typing[0]).toMatchObject({ name: 'Alice Archer', threadId: null });
		a.setTyping(false);
		await waitFor(() => b.typing.length === 0, 5_000, 'typing stops');
		// Alice's tab holds no state any more, so it renews none.
		expect(headProvider(a).awareness!.getLocalState()).toBeNull();
	});

	it('drops a refused message, resyncs from the server and tells what was refused', async () => {
		const notices: ConversationNotice[] = [];
		// The UI would not let Alice post in announcements: force it to provoke the server.
		const a = open(alice, announcements, { post: true, react: true, moderate: false }, notices);
		const boss = open(admin, announcements);
		await waitFor(() => a.synced && boss.synced, 10_000, 'sync');
		const news = boss.send('Welcome');
		await waitFor(() => a.message(news)?.acceptedAt != null, 5_000, 'news');
		a.send('Can I post here?');
		await waitFor(() => notices.length > 0, 10_000, 'refusal');
		expect(notices[0]).toMatchObject({
			kind: 'refused',
			items: [{ kind: 'message', text: 'Can I post here?' }]
		});
		expect(notices[0]!.kind === 'refused' && notices[0]!.reason).toMatch(/^refused:/);
		await waitFor(() => a.synced, 10_000, 'resync');
		expect(a.messages.map((m) => m.text)).toEqual(['Welcome']);
		expect(boss.messages.map((m) => m.text)).toEqual(['Welcome']);
		// Reacting still works after the reset.
		a.toggleReaction(news, '🎉');
		await waitFor(() => boss.message(news)?.reactions.length === 1, 5_000, 'reaction after reset');
	});

	it('drops unsent messages at once when the right to post goes, keeping reactions', async () => {
		const notices: ConversationNotice[] = [];
		const { a, b } = await aliceAndBob(notices);
		const hello = b.send('Anyone around?');
		await waitFor(() => a.message(hello)?.acceptedAt != null, 5_000, 'hello');
		// Alice is away from the server; she writes and reacts.
		const socket = a.shards.socket;
		socket.disconnect();
		await waitFor(() => socket.status === 'disconnected', 5_000, 'disconnected');
		a.send('Written while away');
		a.toggleReaction(hello, '👀');
		// Her list learns she may no longer post here (the server's word on it may come later,
		// or never: here it would still accept it).
		a.setRights({ post: false, react: true, moderate: false });
		await waitFor(() => notices.length > 0, 5_000, 'told at once, while still away');
		expect(notices).toMatchObject([
			{ kind: 'refused', items: [{ kind: 'message', text: 'Written while away' }] }
		]);
		expect(a.messages.map((m) => m.text)).not.toContain('Written while away');
		// Back in reach: the reaction she still may make lands; the message never does.
		void socket.connect();
		await waitFor(() => b.message(hello)?.reactions.length === 1, 10_000, 'the reaction lands');
		expect(b.messages.map((m) => m.text)).not.toContain('Written while away');
		expect(a.messages.map((m) => m.text)).not.toContain('Written while away');
		expect(notices).toHaveLength(1);
	});

	it('refuses to write what the person may not, before the server has to', () => {
		const reader = open(alice, announcements, { post: false, react: true, moderate: false });
		expect(() => reader.send('hello')).toThrow(/cannot post/);
	});

	it('connects a document again after "resync", keeping everything written', async () => {
		const notices: ConversationNotice[] = [];
		const { a, b } = await aliceAndBob(notices);
		const kept = a.send('Written before the resync');
		await waitFor(() => b.message(kept)?.acceptedAt != null, 5_000, 'first message');
		// An update that depends on content the server never got (as when a change overtakes
		// the sync after a reconnect): the server closes the document with "resync".
		const other = new Y.Doc();
		postMessage(other, alice.user.id, { text: 'first, never sent' });
		const before = Y.encodeStateVector(other);
		postMessage(other, alice.user.id, { text: 'second, sent alone' });
		const gap = Y.encodeStateAsUpdate(other, before);
		const head = a.shards.head as { provider: SyncedProvider; synced: boolean };
		let reconnects = 0;
		const reconnect = head.provider.reconnectDocument.bind(head.provider);
		head.provider.reconnectDocument = () => {
			reconnects++;
			reconnect();
		};
		head.provider.documentUpdateHandler(gap, null);
		await waitFor(() => reconnects > 0 && head.synced, 10_000, 'connected again');
		const after = a.send('Written after the resync');
		await waitFor(() => b.message(after)?.acceptedAt != null, 5_000, 'delivery after resync');
		expect(a.message(kept)?.text).toBe('Written before the resync');
		expect(notices).toEqual([]);
	});

	it('rebuilds a copy that holds what the server lost ("stale"), resending its own', async () => {
		const notices: ConversationNotice[] = [];
		const a = open(alice, team);
		const b = open(bob, team, undefined, notices);
		await waitFor(() => a.synced && b.synced, 10_000, 'sync');
		// Bob's copy gets, without sending them, a message of Alice's that the server does not have
		// (as when it relayed one and crashed before logging it) and one of his own.
		const lostCopy = new Y.Doc();
		const ghost = postMessage(lostCopy, alice.user.id, { text: 'Relayed, then lost' });
		const mine = postMessage(lostCopy, bob.user.id, { text: 'Held up with it' });
		const head = b.shards.head as { provider: SyncedProvider; doc: Y.Doc };
		Y.applyUpdate(head.doc, Y.encodeStateAsUpdate(lostCopy), head.provider);
		await waitFor(() => b.message(ghost.id) !== null, 2_000, 'the ghost in the listing');
		// The next sync carries both: the server closes it as stale, and Bob's copy is rebuilt.
		const socket = b.shards.socket;
		socket.disconnect();
		await waitFor(() => socket.status === 'disconnected', 5_000, 'disconnected');
		void socket.connect();
		await waitFor(() => a.message(mine.id)?.acceptedAt != null, 10_000, 'his message resent');
		await waitFor(() => b.message(mine.id)?.acceptedAt != null, 5_000, 'and stamped for him');
		expect(b.message(ghost.id)).toBeNull();
		expect(a.message(ghost.id)).toBeNull();
		expect(notices).toEqual([]);
	});

	it('keeps two tabs of one person consistent through the tab relay', async () => {
		const relay = (name: string, doc: Y.Doc, options: Parameters<typeof relayDocument>[2]) =>
			relayDocument(`test:${alice.user.id}:${name}`, doc, options);
		const tab1 = open(alice, team, undefined, [], { relay });
		const tab2 = open(alice, team, undefined, [], { relay });
		await waitFor(() => tab1.synced && tab2.synced, 10_000, 'sync');
		const id = tab1.send('Seen in the other tab');
		await waitFor(() => tab2.message(id) !== null, 2_000, 'relayed');
		await waitFor(() => tab2.message(id)?.acceptedAt != null, 5_000, 'accepted in both');
		// Both tabs hold the same, in the same order.
		expect(tab2.messages.map((m) => m.id)).toEqual(tab1.messages.map((m) => m.id));
	});

	it('reports every listing of a shard (search index), and finds messages in older shards', async () => {
		const channels = await h.app.channels.list(admin.user);
		const project = channels.find((c) => c.kind === 'team')!;
		// Two shards of history: 0 (older) and 1 (head) written directly as documents.
		const older = new Y.Doc();
		const oldId = postMessage(older, alice.user.id, { text: 'deep in the archive' }).id;
		const stored = new Map<string, Uint8Array>([
			[documentName('channel', project.id, 0), Y.encodeStateAsUpdate(older)]
		]);
		const listed: [number, number][] = [];
		const conversation = new Conversation({
			channel: { id: project.id, kind: project.kind, headShard: 1 },
			user: { id: alice.user.id, name: alice.user.name },
			socket: offline(),
			rights: { post: true, react: true, moderate: false },
			localCopy: memoryCopies(stored),
			flushDelay: 0,
			onListed: (_channel, shard, messages) => listed.push([shard, messages.length])
		});
		conversations.push(conversation);
		const found = await conversation.reveal(oldId, 5_000);
		expect(found?.text).toBe('deep in the archive');
		expect(conversation.oldestShard).toBe(0);
		expect(listed).toContainEqual([0, 1]);
		expect(older.getMap(userRoot(alice.user.id)).size).toBe(1);
	});

	it('is loaded only once the local copy held the document or the server synced it', async () => {
		const channels = await h.app.channels.list(admin.user);
		const project = channels.find((c) => c.kind === 'team')!;
		const held = new Y.Doc();
		postMessage(held, alice.user.id, { text: 'kept on this device' });
		const stored = new Map([[documentName('channel', project.id, 0), Y.encodeStateAsUpdate(held)]]);
		const make = (store: Map<string, Uint8Array>, socket: HocuspocusProviderWebsocket) => {
			const conversation = new Conversation({
				channel: { id: project.id, kind: project.kind, headShard: 0 },
				user: { id: alice.user.id, name: alice.user.name },
				socket,
				rights: { post: true, react: true, moderate: false },
				localCopy: memoryCopies(store),
				flushDelay: 0
			});
			conversations.push(conversation);
			return conversation;
		};

		// A copy that holds the document: loaded at once, with its messages, before any network.
		const fromCopy = make(stored, offline());
		await waitFor(() => fromCopy.loaded, 2_000, 'loaded from the copy');
		expect(fromCopy.messages.map((m) => m.text)).toEqual(['kept on this device']);

		// No copy and no server: the empty list is "not loaded", never "no messages".
		const nothing = make(new Map(), offline());
		await waitFor(() => nothing.status === 'ready', 2_000, 'local copy applied');
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(nothing.loaded, 'an empty copy and no sync must not count as loaded').toBe(false);

		// No copy, then the server's sync: loaded, with what the server holds.
		const synced = make(new Map(), socketFor(alice));
		await waitFor(() => synced.synced, 10_000, 'sync');
		await waitFor(() => synced.loaded, 2_000, 'loaded after the sync');
	});

	it('turns read-only at the end’s moment, without waiting for the server', async () => {
		// The team channel never ends on the server: only the conversation's own timer acts here.
		const endsAt = Date.now() + 600;
		const a = open(alice, team, undefined, [], {
			channel: { id: team.id, kind: team.kind, headShard: 0, endsAt }
		});
		await waitFor(() => a.synced, 10_000, 'sync');
		expect(a.ended).toBe(false);
		a.send('just in time');
		let endedAt = 0;
		await waitFor(
			() => {
				if (a.ended && endedAt === 0) endedAt = Date.now();
				return endedAt !== 0;
			},
			5_000,
			'the end'
		);
		expect(endedAt - endsAt).toBeGreaterThanOrEqual(0);
		expect(endedAt - endsAt).toBeLessThan(100);
		expect(() => a.send('too late')).toThrow(/cannot post/);
		expect(() => a.toggleReaction(a.messages.at(-1)!.id, '👍')).toThrow(/cannot react/);
		expect(a.messages.map((m) => m.text)).not.toContain('too late');
		a.destroy();
	});

	it('tells when access is lost', async () => {
		const notices: ConversationNotice[] = [];
		const b = open(bob, team, undefined, notices);
		await waitFor(() => b.synced, 10_000, 'sync');
		await h.app.people.assign(admin.user, bob.user.id, { teamId: null });
		await waitFor(() => notices.some((n) => n.kind === 'access-revoked'), 10_000, 'revocation');
		expect(b.status).toBe('revoked');
		expect(b.messages).toEqual([]);
	});
});
