import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import * as Y from 'yjs';
import type { ChannelSummary } from '$lib/shared/api/channels.schema.ts';
import { openDatabase } from '$lib/server/db/database.ts';
import {
	databaseBehindProxy,
	type DatabaseBehindProxy
} from '$lib/server/testing/database-proxy.ts';
import { isPostgresReachable } from '$lib/server/testing/test-database.ts';
import { documentName } from '$lib/shared/chat/document-schema.ts';
import {
	connectClient,
	sessionSocket,
	startCollabHarness,
	waitFor,
	type CollabHarness,
	type SignedInPerson
} from '#collab/testing/collab-harness.ts';
import type { ConversationNotice } from './close-recovery.ts';
import { Conversation } from './conversation.svelte.ts';
import type { LocalCopyFactory } from './local-copy.ts';

/**
 * The server's database goes out of reach while a person opens a conversation: the server
 * refuses the document as "unavailable" (not "forbidden"), and the app keeps its local copy and
 * the message written meanwhile, tries again, and sends it once the database is back.
 */
const hasPostgres = await isPostgresReachable();
if (!hasPostgres)
	console.warn('[conversation-outage.test] skipped: real Postgres is not reachable');

describe.skipIf(!hasPostgres)('Conversation during a database outage', () => {
	let database: DatabaseBehindProxy;
	let h: CollabHarness;
	let alice: SignedInPerson;
	let team: ChannelSummary;
	const sockets: HocuspocusProviderWebsocket[] = [];

	beforeAll(async () => {
		database = await databaseBehindProxy();
		const proxied = await openDatabase({
			databaseUrl: database.url,
			maxConnections: 5,
			migrate: false
		});
		h = await startCollabHarness('postgres', proxied);
		const org = await h.app.createOrganization('Outage Co');
		const crew = await h.app.createTeam(org.admin, 'Crew', 'Support');
		[alice] = await h.app.joinTeam(org, crew.id, ['Alice Archer']);
		team = (await h.app.channels.list(org.admin)).find((c) => c.kind === 'team')!;
	});

	afterAll(async () => {
		for (const socket of sockets) socket.destroy();
		database?.restore();
		await h?.close();
		await database?.close();
	});

	it('keeps the local copy and unsent messages, and sends them when the database returns', async () => {
		// The browser's copies, kept across conversations as IndexedDB keeps them.
		const copies = new Map<string, Uint8Array>();
		const cleared: string[] = [];
		const localCopy: LocalCopyFactory = (name, doc) => {
			const saved = copies.get(name);
			if (saved) Y.applyUpdate(doc, saved, 'local');
			const save = () => void copies.set(name, Y.encodeStateAsUpdate(doc));
			doc.on('update', save);
			return {
				loaded: Promise.resolve(),
				destroy: async () => doc.off('update', save),
				clear: async () => {
					doc.off('update', save);
					copies.delete(name);
					cleared.push(name);
				},
				rewrite: async () => save()
			};
		};
		const open = (notices: ConversationNotice[]) => {
			const socket = sessionSocket(h.url, alice.token);
			sockets.push(socket);
			return new Conversation({
				channel: { id: team.id, kind: team.kind, headShard: 0 },
				user: { id: alice.user.id, name: alice.user.name },
				socket,
				rights: { post: true, react: true, moderate: false },
				localCopy,
				flushDelay: 0,
				onNotice: (notice) => notices.push(notice)
			});
		};

		const first = open([]);
		await waitFor(() => first.synced, 10_000, 'sync');
		const kept = first.send('Sent before the outage');
		await waitFor(() => first.pendingCount === 0, 10_000, 'acknowledgement');
		first.destroy();

		// The database goes away; the person opens the conversation again and writes.
		await database.cut();
		const notices: ConversationNotice[] = [];
		const again = open(notices);
		await waitFor(() => again.status === 'ready', 5_000, 'the local copy');
		const written = again.send('Written during the outage');
		await new Promise((resolve) => setTimeout(resolve, 2_500));
		expect(again.status).toBe('ready');
		expect(notices).toEqual([]);
		expect(cleared).toEqual([]);
		expect(again.message(kept)?.text).toBe('Sent before the outage');
		expect(again.message(written)?.acceptedAt).toBeNull();
		// What the server said: unavailable, not a loss of access.
		const probe = connectClient(h.url, alice.token, documentName('channel', team.id, 0));
		await waitFor(() => probe.denied.length > 0, 5_000, 'the refusal');
		probe.destroy();
		expect(probe.denied[0]).toMatch(/^unavailable:/);

		// Back: the document opens and the message is sent and stamped.
		database.restore();
		await waitFor(() => again.message(written)?.acceptedAt != null, 30_000, 'the message sent');
		expect(again.synced).toBe(true);
		expect(notices).toEqual([]);
		expect(cleared).toEqual([]);
		again.destroy();
	}, 60_000);
});
