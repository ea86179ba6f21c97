import { logger } from '#server/logging/logger.ts';
import { appendFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { applyStored, DocumentRepository } from '#server/documents/document.repository.ts';
import { isPostgresReachable } from '#server/testing/test-database.ts';
import { databaseBehindProxy } from '#server/testing/database-proxy.ts';
import { documentName, listMessages } from '#shared/chat/document-schema.ts';
import { connectClient, keepPosting, waitFor } from './testing/collab-harness.ts';
import {
	killCollabProcess,
	outputOf,
	runCollabProcess,
	setUpCollabProcess,
	useCollabProcesses
} from './testing/collab-child.ts';
import { restartablePort } from './testing/test-port.ts';

/**
 * Postgres drops the server's connections and goes out of reach (a proxy the test cuts) while
 * several people send; the server is killed shortly after and restarted. Whatever a sender saw
 * as sent is stored, with the stamp it saw, in the record too; nothing stored waits for content
 * that is not stored; everyone ends with the same messages in one order; no client keeps
 * reconnecting. Appends commit in order or not at all (update-log.ts).
 */
const hasPostgres = await isPostgresReachable();

const SENDERS = 6;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!hasPostgres)('database faults under load', () => {
	const { servers, clients, cleanup } = useCollabProcesses();

	it('keeps every acknowledged message, in order, through outages and a crash', async () => {
		const database = await databaseBehindProxy();
		cleanup.push(() => database.close());
		const port = await restartablePort();
		const direct = {
			DATABASE_URL: database.directUrl,
			PORT: String(port),
			DATA_DIR: '/tmp/cf-faults'
		};
		const env = { ...direct, DATABASE_URL: database.url };
		const { channelId, members } = await setUpCollabProcess(SENDERS, direct);
		let server: ChildProcess;
		const startServer = async () => {
			server = runCollabProcess(['serve'], env);
			servers.push(server);
			if (process.env.DEBUG_FAULTS) {
				server.stdout!.on('data', (chunk: Buffer) =>
					appendFileSync(process.env.DEBUG_FAULTS!, chunk)
				);
			}
			await outputOf(server, (text) => text.includes('ready'));
			await waitFor(() => clients.every((c) => c.provider.isSynced), 45_000, 'clients back');
		};
		const name = documentName('channel', channelId, 0);
		const url = `ws://127.0.0.1:${port}/collab`;
		for (const member of members) {
			clients.push(connectClient(url, member.token, name, { maxAttempts: 0, userId: member.id }));
		}
		await startServer();

		// Every message posted (when), and the stamp its sender first saw (when it saw it).
		const posted = new Map<string, { sender: number; at: number }>();
		const seen = new Map<string, { stamp: number; at: number }>();
		const noteStamps = () => {
			clients.forEach((client, index) => {
				for (const message of listMessages(client.doc)) {
					if (message.authorId !== members[index]!.id || message.acceptedAt === null) continue;
					if (!seen.has(message.id)) {
						seen.set(message.id, { stamp: message.acceptedAt, at: Date.now() });
					}
				}
			});
		};
		const watcher = setInterval(noteStamps, 5);
		const posting = keepPosting(clients, members, {
			pauseMs: () => 20 + Math.random() * 40,
			posted: (message, index) => posted.set(message.id, { sender: index, at: Date.now() })
		});
		const storedDoc = async () => {
			const doc = new Y.Doc();
			applyStored(doc, await new DocumentRepository(database.sql).load(name));
			return doc;
		};
		const outage = async (ms: number) => {
			await database.cut();
			await sleep(ms);
			database.restore();
			return Date.now();
		};

		try {
			await sleep(800);
			// 1. An outage without a crash: everything written meanwhile is acknowledged within
			// seconds of the database's return.
			const faultAt = Date.now();
			const back = await outage(2_500);
			await sleep(200);
			const writtenInOutage = [...posted].filter(([, p]) => p.at >= faultAt && p.at < back);
			expect(writtenInOutage.length).toBeGreaterThan(20);
			await waitFor(
				() => writtenInOutage.every(([id]) => seen.has(id)),
				15_000,
				'messages written in the outage to be acknowledged'
			);
			// 0.4 s on a quiet machine (reconnect backoff at most 0.5 s, then the log's backlog);
			// 5 s leaves room for a loaded CI machine, not for a backoff that grows to 20 s.
			const slowest = Math.max(...writtenInOutage.map(([id]) => seen.get(id)!.at - back));
			expect(
				slowest,
				`slowest acknowledgement after the database returned: ${slowest} ms`
			).toBeLessThan(5_000);

			// 2. Outages followed by a crash: shortly after the return, and in the middle of one.
			for (const killAfterReturn of [150, 600, 1_200, null]) {
				await sleep(1_000);
				await database.cut();
				await sleep(1_500);
				if (killAfterReturn !== null) {
					database.restore();
					await sleep(killAfterReturn * (0.5 + Math.random()));
				} else await sleep(Math.random() * 500);
				noteStamps();
				const acknowledged = [...seen.keys()];
				await killCollabProcess(server!);
				database.restore();
				// Before anyone can resend: storage alone holds everything seen as sent, and
				// nothing in it waits for content that is not stored.
				const stored = await storedDoc();
				expect(stored.store.pendingStructs).toBeNull();
				expect(stored.store.pendingDs).toBeNull();
				const storedIds = new Set(listMessages(stored).map((m) => m.id));
				expect(acknowledged.filter((id) => !storedIds.has(id))).toEqual([]);
				await startServer();
			}

			await sleep(1_000);
			await posting.stop();
			// The senders resend whatever was lost: in the end every message posted is stamped.
			await waitFor(
				() => [...posted.keys()].every((id) => seen.has(id)),
				30_000,
				'every stamp'
			).catch((e) => {
				const missing = [...posted].filter(([id]) => !seen.has(id));
				logger.error(
					{
						missing: missing.length,
						firstMissing: missing.slice(0, 5),
						clients: clients.map((c, i) => ({
							synced: c.provider.isSynced,
							unsynced: c.provider.hasUnsyncedChanges,
							closes: c.closes.slice(-5),
							denied: c.denied.slice(-3),
							missing: missing
								.filter(([, p]) => p.sender === i)
								.map(([id]) =>
									listMessages(c.doc).some((m) => m.id === id) ? 'unstamped' : 'absent'
								)
								.slice(0, 5)
						}))
					},
					'database faults: messages never stamped'
				);
				throw e;
			});
		} finally {
			void posting.stop();
			clearInterval(watcher);
		}

		// Everyone holds every message, in one order, with the stamp its sender saw.
		await waitFor(
			() => clients.every((client) => listMessages(client.doc).length === posted.size),
			20_000,
			'clients to converge'
		);
		await sleep(1_500); // the others' copies of the last stamps ride with a change or a second
		const orders = clients.map((client) => listMessages(client.doc).map((m) => m.id));
		for (const order of orders) expect(order).toEqual(orders[0]);
		for (const client of clients) {
			for (const message of listMessages(client.doc)) {
				expect(message.acceptedAt).toBe(seen.get(message.id)!.stamp);
			}
		}

		// The record follows the log: one row per message, accepted when its sender saw it (it is
		// written off the acknowledgement path: polled).
		let rows: { id: string; accepted_at: Date }[];
		const deadline = Date.now() + 10_000;
		do {
			rows = await database.sql<{ id: string; accepted_at: Date }[]>`
				select id, accepted_at from messages where channel_id = ${channelId}`;
			if (rows.length === posted.size) break;
			await sleep(200);
		} while (Date.now() < deadline);
		expect(rows.length).toBe(posted.size);
		const mismatched = rows.filter((row) => row.accepted_at.getTime() !== seen.get(row.id)?.stamp);
		expect(mismatched).toEqual([]);

		// No client kept reconnecting.
		const resyncs = clients.map((c) => c.closes.filter((r) => r.startsWith('resync')).length);
		expect(Math.max(...resyncs)).toBeLessThan(5);
		logger.info(
			{
				messages: posted.size,
				senders: SENDERS,
				closesPerClient: clients.map((c) => c.closes.length),
				denialsPerClient: clients.map((c) => c.denied.length)
			},
			'database faults: every message through 5 outages and 4 kills'
		);
	}, 180_000);
});
