import { logger } from '#server/logging/logger.ts';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { documentName, listMessages } from '#shared/chat/document-schema.ts';
import { connectClient, keepPosting, waitFor, type TestClient } from './testing/collab-harness.ts';
import {
	killCollabProcess,
	serveCollabProcess,
	setUpCollabProcess,
	storedMessageIds
} from './testing/collab-child.ts';
import { restartablePort } from './testing/test-port.ts';

/**
 * Nothing acknowledged is lost: several senders post while the server is killed with SIGKILL
 * at random moments and restarted. A message is acknowledged when its acceptance stamp reaches
 * the sender (what the app shows as sent). Every such message must be on the server afterwards,
 * and on every client. The server relays updates before logging them, so a kill can leave a
 * client holding someone else's message that the server lost: such a client is closed as
 * "stale", rebuilds its copy and resends its own messages, and the author resends the lost one.
 */

describe('durability under SIGKILL', () => {
	const dataDir = path.join(os.tmpdir(), `cf-durability-${process.pid}-${Date.now()}`);
	afterAll(() => fs.rm(dataDir, { recursive: true, force: true }));

	it('keeps every acknowledged message through four kills of the server', async () => {
		const port = await restartablePort();
		const env = { DATA_DIR: dataDir, PORT: String(port) };
		const { channelId, members } = await setUpCollabProcess(3, env, { untilExit: true });
		let server = await serveCollabProcess(env);
		const name = documentName('channel', channelId, 0);
		const url = `ws://127.0.0.1:${port}/collab`;
		const clients: TestClient[] = members.map((m) =>
			connectClient(url, m.token, name, { maxAttempts: 0, userId: m.id })
		);
		await Promise.all(clients.map((c) => c.synced));

		const acknowledged = new Set<string>();
		const posted = clients.map(() => [] as string[]);
		const noteStamped = (client: TestClient) => {
			for (const message of listMessages(client.doc)) {
				if (message.acceptedAt !== null) acknowledged.add(message.id);
			}
		};
		const posting = keepPosting(clients, members, {
			pauseMs: () => 15 + Math.random() * 20,
			posted: (message, index) => posted[index]!.push(message.id),
			afterPause: noteStamped
		});

		let checkedAfterKills = 0;
		for (let kill = 0; kill < 4; kill++) {
			// Each kill comes after the restarted server has acknowledged something: on a machine
			// busy with other test files a restart can take seconds, and a kill before any message
			// was stamped would prove nothing.
			const before = acknowledged.size;
			await waitFor(
				() => {
					for (const client of clients) noteStamped(client);
					return acknowledged.size >= before + 15;
				},
				60_000,
				'messages acknowledged since the last restart'
			);
			await new Promise((resolve) => setTimeout(resolve, 400 + Math.random() * 600));
			for (const client of clients) noteStamped(client);
			const seenAsSent = [...acknowledged];
			await killCollabProcess(server);
			// Before anyone can resend: the storage alone holds everything seen as sent.
			const stored = await storedMessageIds(env, name);
			expect(seenAsSent.filter((id) => !stored.has(id))).toEqual([]);
			checkedAfterKills += seenAsSent.length;
			server = await serveCollabProcess(env);
		}
		await posting.stop();
		const stampedBeforeEnd = acknowledged.size;
		// The senders resend whatever was lost: in the end every message posted is stamped.
		const everything = posted.flat();
		try {
			await Promise.all(
				clients.map((client, index) =>
					waitFor(
						() => {
							const stamped = new Set(
								listMessages(client.doc)
									.filter((m) => m.acceptedAt !== null)
									.map((m) => m.id)
							);
							return posted[index]!.every((id) => stamped.has(id));
						},
						30_000,
						'every message to be stamped'
					)
				)
			);
		} catch (error) {
			logger.error(
				{
					clients: clients.map((c) => ({
						socket: c.socket.status,
						synced: c.provider.isSynced,
						closes: c.closes
					}))
				},
				'durability: messages never stamped'
			);
			throw error;
		}
		for (const client of clients) noteStamped(client);
		expect(stampedBeforeEnd).toBeGreaterThan(50);
		expect(everything.every((id) => acknowledged.has(id))).toBe(true);
		expect(checkedAfterKills).toBeGreaterThan(50);
		logger.info(
			{
				checkedAfterKills,
				stampedBeforeEnd,
				posted: everything.length,
				staleCloses: clients.map((c) => c.closes.filter((r) => r.startsWith('stale')).length)
			},
			'durability: checks in storage right after a kill while 3 senders posted through 4 SIGKILLs'
		);

		// Every client ends up with every acknowledged message.
		await Promise.all(
			clients.map((client) =>
				waitFor(
					() => {
						const ids = new Set(listMessages(client.doc).map((m) => m.id));
						return [...acknowledged].every((id) => ids.has(id));
					},
					20_000,
					'clients to converge'
				)
			)
		);
		for (const client of clients) client.destroy();

		// And the server's storage holds them, read after one last kill.
		await killCollabProcess(server);
		const stored = await storedMessageIds(env, name);
		expect([...acknowledged].filter((id) => !stored.has(id))).toEqual([]);
	}, 240_000);
});
