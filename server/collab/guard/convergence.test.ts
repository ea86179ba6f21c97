import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	deleteMessage,
	editMessage,
	listMessages,
	markRead,
	moderateDelete,
	ownReactions,
	postMessage,
	react,
	unreact
} from '#shared/chat/document-schema.ts';
import type { Actor } from '../update-guard.ts';
import { ALICE, BOB, CAROL, deliver, member, moderator, serverDoc, syncStep2 } from './test-kit.ts';

/**
 * Property: people doing only what they may, online and offline, with messages crossing in
 * flight, never get an update refused (except an offline edit of a message a moderator removed
 * meanwhile), and every copy ends equal to the server's.
 */

function mulberry32(seed: number): () => number {
	let a = seed;
	return () => {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

interface Peer {
	actor: Actor;
	doc: Y.Doc;
	online: boolean;
	/** Updates sent and not yet received by the server (one connection: in order). */
	outbox: Uint8Array[];
	/** Server updates not yet received by the peer. */
	inbox: Uint8Array[];
}

const REMOTE = 'remote';

function simulate(seed: number, steps: number) {
	const random = mulberry32(seed);
	const pick = <T>(items: T[]): T | undefined => items[Math.floor(random() * items.length)];
	const server = serverDoc();
	const refusals: string[] = [];
	let serverTime = 1_000;
	const peers: Peer[] = [moderator(ALICE), member(BOB), member(CAROL)].map((actor) => ({
		actor,
		doc: new Y.Doc(),
		online: false,
		outbox: [],
		inbox: []
	}));

	server.on('update', (update: Uint8Array) => {
		for (const peer of peers) if (peer.online) peer.inbox.push(update);
	});

	function attach(peer: Peer) {
		peer.doc.on('update', (update: Uint8Array, origin: unknown) => {
			if (origin !== REMOTE && peer.online) peer.outbox.push(update);
		});
	}

	/** A refused client drops its copy and starts again from the server's. */
	function receive(peer: Peer, update: Uint8Array) {
		const verdict = deliver(server, update, peer.actor, serverTime++);
		if (verdict.ok) return;
		refusals.push(verdict.reason);
		peer.doc.destroy();
		peer.doc = new Y.Doc();
		attach(peer);
		peer.outbox = [];
		peer.inbox = [];
		Y.applyUpdate(peer.doc, Y.encodeStateAsUpdate(server), REMOTE);
	}

	function connect(peer: Peer) {
		peer.online = true;
		receive(peer, syncStep2(peer.doc, server));
		Y.applyUpdate(peer.doc, Y.encodeStateAsUpdate(server, Y.encodeStateVector(peer.doc)), REMOTE);
	}

	function disconnect(peer: Peer) {
		peer.online = false;
		peer.outbox = [];
		peer.inbox = [];
	}

	function act(peer: Peer) {
		const { doc } = peer;
		const userId = peer.actor.userId;
		const visible = listMessages(doc).filter((m) => !m.deleted);
		const own = visible.filter((m) => m.authorId === userId);
		const target = pick(visible);
		const mine = pick(own);
		const choice = random();
		if (choice < 0.3 || !target) {
			const threadId = random() < 0.2 ? (target?.id ?? null) : null;
			postMessage(doc, userId, { text: `m${Math.floor(random() * 1e6)}`, threadId });
		} else if (choice < 0.45 && mine) editMessage(doc, userId, mine.id, { text: `e${random()}` });
		else if (choice < 0.5 && mine) deleteMessage(doc, userId, mine.id);
		else if (choice < 0.65) react(doc, userId, target.id, pick(['👍', '🎉', '❤️']) ?? '👍');
		else if (choice < 0.72) {
			const emoji = pick(ownReactions(doc, userId, target.id));
			if (emoji) unreact(doc, userId, target.id, emoji);
		} else if (choice < 0.82) markRead(doc, userId, target.id);
		else if (choice < 0.86 && peer.actor.canModerate && target.authorId !== userId) {
			moderateDelete(doc, target.authorId, target.id);
		} else if (choice < 0.9 && peer.online) {
			// A reloaded client sends its whole local state (IndexedDB) as one update.
			peer.outbox.push(Y.encodeStateAsUpdate(doc));
		}
	}

	function step() {
		const peer = pick(peers) as Peer;
		const choice = random();
		if (choice < 0.45) act(peer);
		else if (choice < 0.7) {
			const update = peer.outbox.shift();
			if (update) receive(peer, update);
		} else if (choice < 0.92) {
			const update = peer.inbox.shift();
			if (update) Y.applyUpdate(peer.doc, update, REMOTE);
		} else if (peer.online) disconnect(peer);
		else connect(peer);
	}

	for (const peer of peers) {
		attach(peer);
		connect(peer);
	}
	for (let i = 0; i < steps; i++) step();
	for (const peer of peers) {
		disconnect(peer);
		connect(peer);
	}
	for (const peer of peers) connect(peer);
	return { server, peers, refusals };
}

describe('guarded sync of allowed operations', () => {
	it.each(Array.from({ length: 30 }, (_, i) => i + 1))('converges (seed %i)', (seed) => {
		const { server, peers, refusals } = simulate(seed, 250);
		for (const reason of refusals) expect(reason).toMatch(/removed by a moderator/);
		expect(server.store.pendingStructs).toBeNull();
		expect(server.store.pendingDs).toBeNull();
		const messages = listMessages(server);
		expect(messages.length).toBeGreaterThan(5);
		expect(messages.every((m) => m.acceptedAt !== null)).toBe(true);
		for (const peer of peers) {
			expect(listMessages(peer.doc)).toEqual(messages);
			expect(Y.equalSnapshots(Y.snapshot(peer.doc), Y.snapshot(server))).toBe(true);
		}
	});
});
