import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { applyStored, DocumentRepository } from '#server/documents/document.repository.ts';
import { createTestDatabase, isPostgresReachable } from '#server/testing/test-database.ts';
import { documentName, listMessages, postMessage } from '#shared/chat/document-schema.ts';
import { connectClient, waitFor } from './testing/collab-harness.ts';
import {
	killCollabProcess,
	setUpCollabProcess,
	serveCollabProcess,
	useCollabProcesses,
	type ChildMember
} from './testing/collab-child.ts';
import { restartablePort } from './testing/test-port.ts';

/**
 * The server relays a message before its log entry is durable, and stamps it (what the sender's
 * screen shows as "sent") only after. Here the log is held by a table lock in real Postgres, the
 * server is killed inside that window, and the people recover: the receiver, who holds a message
 * the server lost, is closed as "stale" and rebuilds its copy keeping its own unsent message; the
 * sender, who never saw the lost message stamped, sends it again.
 */
const hasPostgres = await isPostgresReachable();
if (!hasPostgres) console.warn('[lost-relay.test] skipped: real Postgres is not reachable');

function stampOf(doc: Y.Doc, id: string): number | null | undefined {
	return listMessages(doc).find((message) => message.id === id)?.acceptedAt;
}

describe.skipIf(!hasPostgres)('a message relayed and lost in a crash', () => {
	const { servers, clients, cleanup } = useCollabProcesses();

	it('reaches others before it is durable, and everyone recovers after the crash', async () => {
		const database = await createTestDatabase('postgres');
		cleanup.push(() => database.close());
		const port = await restartablePort();
		const env = { DATABASE_URL: database.url!, PORT: String(port), DATA_DIR: '/tmp/cf-lost' };
		const { channelId, members } = await setUpCollabProcess(2, env);
		const [alice, bob] = members as [ChildMember, ChildMember];
		const start = async () => {
			const server = await serveCollabProcess(env);
			servers.push(server);
			return server;
		};
		const server = await start();
		const name = documentName('channel', channelId, 0);
		const url = `ws://127.0.0.1:${port}/collab`;
		const open = (member: typeof alice, doc?: Y.Doc) => {
			const client = connectClient(url, member.token, name, {
				maxAttempts: 0,
				userId: member.id,
				doc
			});
			clients.push(client);
			return client;
		};
		const aliceTab = open(alice);
		const bobTab = open(bob);
		await Promise.all([aliceTab.synced, bobTab.synced]);

		// The log is held: appends wait on the lock, as they would on a slow disk.
		let release: () => void = () => {};
		let held: () => void = () => {};
		const isHeld = new Promise<void>((resolve) => (held = resolve));
		const lock = database.sql.begin(async (tx) => {
			await tx`lock table document_updates in exclusive mode`;
			held();
			await new Promise<void>((resolve) => (release = resolve));
		});
		await isHeld;

		const lost = postMessage(aliceTab.doc, alice.id, { text: 'Relayed, then lost' });
		await waitFor(() => stampOf(bobTab.doc, lost.id) !== undefined, 5_000, 'bob to receive it');
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(stampOf(aliceTab.doc, lost.id), 'not shown as sent before it is durable').toBeNull();

		// The server dies inside the window; Alice's tab is closed, her copy kept (as stored).
		const aliceCopy = aliceTab.doc;
		aliceTab.destroy();
		await killCollabProcess(server);
		// Postgres would still run the dead server's waiting insert once the lock goes: end it,
		// as a crash of the database's host would.
		await database.sql`
			select pg_terminate_backend(pid) from pg_stat_activity
			where datname = current_database() and wait_event_type = 'Lock'`;
		release();
		await lock;
		const stored = await new DocumentRepository(database.sql).load(name);
		const storedDoc = new Y.Doc();
		applyStored(storedDoc, stored);
		expect(stampOf(storedDoc, lost.id), 'the server lost it').toBeUndefined();

		// Bob writes while the server is down, and comes back first.
		const own = postMessage(bobTab.doc, bob.id, { text: 'Written by Bob meanwhile' });
		await start();
		await waitFor(() => Boolean(stampOf(bobTab.doc, own.id)), 15_000, "bob's own message sent");
		expect(bobTab.closes.some((reason) => reason.startsWith('stale'))).toBe(true);
		expect(stampOf(bobTab.doc, lost.id), 'his copy is the server’s now').toBeUndefined();

		// Alice opens her stored copy: the message she never saw as sent goes out again.
		const aliceAgain = open(alice, aliceCopy);
		await waitFor(() => Boolean(stampOf(aliceAgain.doc, lost.id)), 15_000, 'alice resends');
		await waitFor(() => Boolean(stampOf(bobTab.doc, lost.id)), 5_000, 'bob receives it again');
		expect(listMessages(bobTab.doc).map((m) => m.text)).toEqual(
			expect.arrayContaining(['Relayed, then lost', 'Written by Bob meanwhile'])
		);
		expect(bobTab.closes.filter((reason) => reason.startsWith('refused'))).toEqual([]);
	}, 60_000);
});
