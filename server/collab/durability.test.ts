import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DocumentRepository } from '../../src/lib/server/documents/document.repository.ts';
import { openDatabase } from '../../src/lib/server/db/database.ts';
import {
	documentName,
	listMessages,
	postMessage
} from '../../src/lib/shared/chat/document-schema.ts';
import { connectClient, waitFor, type TestClient } from './testing/collab-harness.ts';

/**
 * Nothing acknowledged is lost: several senders post while the server is killed with SIGKILL
 * at random moments and restarted. Every message a sender saw acknowledged must be on the
 * server afterwards, and on every client.
 */
const entry = path.resolve('server/collab/testing/collab-process.ts');
const nodeBinary = process.execPath;

function run(args: string[], env: Record<string, string>): ChildProcess {
	return spawn(nodeBinary, [entry, ...args], {
		env: { ...process.env, ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
}

function output(child: ChildProcess, until: (text: string) => boolean): Promise<string> {
	return new Promise((resolve, reject) => {
		let text = '';
		let errors = '';
		child.stdout!.on('data', (chunk: Buffer) => {
			text += chunk.toString();
			if (until(text)) resolve(text);
		});
		child.stderr!.on('data', (chunk: Buffer) => {
			errors += chunk.toString();
			if (process.env.DEBUG_DURABILITY) console.log('[server]', chunk.toString());
		});
		child.on('exit', (code) => {
			if (!until(text)) reject(new Error(`collab process exited (${code}): ${errors}`));
		});
	});
}

describe('durability under SIGKILL', () => {
	const dataDir = path.join(os.tmpdir(), `cf-durability-${process.pid}-${Date.now()}`);
	afterAll(() => fs.rm(dataDir, { recursive: true, force: true }));

	it('keeps every acknowledged message through four kills of the server', async () => {
		const port = 20_000 + Math.floor(Math.random() * 20_000);
		const env = { DATA_DIR: dataDir, PORT: String(port) };
		const setup = run(['setup', '3'], env);
		const { channelId, members } = JSON.parse(
			(await output(setup, (text) => text.trim().endsWith('}'))).trim()
		) as { channelId: string; members: { id: string; token: string }[] };
		await new Promise((resolve) => setup.on('exit', resolve));

		let server = run(['serve'], env);
		await output(server, (text) => text.includes('ready'));
		const name = documentName('channel', channelId, 0);
		const url = `ws://127.0.0.1:${port}/collab`;
		const clients: TestClient[] = members.map((m) =>
			connectClient(url, m.token, name, { maxAttempts: 0 })
		);
		await Promise.all(clients.map((c) => c.synced));

		const acknowledged = new Set<string>();
		const unacknowledged = clients.map(() => [] as string[]);
		let sending = true;
		const senders = clients.map(async (client, index) => {
			let n = 0;
			while (sending) {
				const message = postMessage(client.doc, members[index]!.id, {
					text: `sender ${index} message ${n++}`
				});
				unacknowledged[index]!.push(message.id);
				await new Promise((resolve) => setTimeout(resolve, 15 + Math.random() * 20));
				// Everything sent before a moment of no unsynced changes was acknowledged.
				if (!client.provider.hasUnsyncedChanges) {
					for (const id of unacknowledged[index]!.splice(0)) acknowledged.add(id);
				}
			}
		});

		for (let kill = 0; kill < 4; kill++) {
			await new Promise((resolve) => setTimeout(resolve, 400 + Math.random() * 600));
			server.kill('SIGKILL');
			await new Promise((resolve) => server.on('exit', resolve));
			await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 300));
			server = run(['serve'], env);
			await output(server, (text) => text.includes('ready'));
		}
		sending = false;
		await Promise.all(senders);
		try {
			await Promise.all(
				clients.map((c) => waitFor(() => !c.provider.hasUnsyncedChanges, 20_000, 'resend'))
			);
		} catch (error) {
			for (const c of clients) {
				console.log(
					'client',
					c.socket.status,
					c.provider.unsyncedChanges,
					c.provider.isSynced,
					c.closes,
					c.denied
				);
			}
			throw error;
		}
		for (const [index, client] of clients.entries()) {
			for (const id of unacknowledged[index]!.splice(0)) acknowledged.add(id);
			void client;
		}
		expect(acknowledged.size).toBeGreaterThan(50);
		console.log(
			`durability: ${acknowledged.size} acknowledged messages from ${clients.length} senders through 4 SIGKILLs`
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
		server.kill('SIGKILL');
		await new Promise((resolve) => server.on('exit', resolve));
		const database = await openDatabase({ pgliteDir: path.join(dataDir, 'pglite') });
		try {
			const stored = await new DocumentRepository(database.sql).load(name);
			const doc = new Y.Doc();
			if (stored.state) Y.applyUpdate(doc, stored.state);
			for (const { update } of stored.updates) Y.applyUpdate(doc, update);
			const ids = new Set(listMessages(doc).map((m) => m.id));
			const missing = [...acknowledged].filter((id) => !ids.has(id));
			expect(missing).toEqual([]);
		} finally {
			await database.close();
		}
	}, 120_000);
});
