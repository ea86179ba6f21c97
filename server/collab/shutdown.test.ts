import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isPostgresReachable } from '#server/testing/test-database.ts';
import { databaseBehindProxy } from '#server/testing/database-proxy.ts';
import { documentName, listMessages, postMessage } from '#shared/chat/document-schema.ts';
import { connectClient, waitFor, type TestClient } from './testing/collab-harness.ts';
import {
	outputOf,
	runCollabProcess,
	serveCollabProcess,
	setUpCollabProcess,
	useCollabProcesses,
	type ChildMember
} from './testing/collab-child.ts';
import { restartablePort } from './testing/test-port.ts';

/**
 * A graceful stop (SIGTERM, server/shutdown.ts) of the server in its own process: it ends within
 * its deadline even with the database out of reach, leaving what it could not store to the
 * clients, which send it again to the next server; on PGlite it closes the database only after
 * the last compaction, so nothing fails on the way out.
 */
const hasPostgres = await isPostgresReachable();

const DEADLINE_MS = 1_500;

/** Everything the process printed, and how long after `since` it exited. */
function exitOf(child: ChildProcess, since: () => number): Promise<{ ms: number; output: string }> {
	let output = '';
	child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
	child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
	return new Promise((resolve) =>
		child.once('exit', () => resolve({ ms: Date.now() - since(), output }))
	);
}

const stamped = (client: TestClient, id: string) =>
	listMessages(client.doc).find((message) => message.id === id)?.acceptedAt != null;

describe('a graceful stop', () => {
	const { servers, clients, cleanup } = useCollabProcesses();

	/** The set-up's member in its channel, through the server at `port`, synced. */
	async function memberIn(port: number, channelId: string, member: ChildMember) {
		const client = connectClient(
			`ws://127.0.0.1:${port}/collab`,
			member.token,
			documentName('channel', channelId, 0),
			{ maxAttempts: 0, userId: member.id }
		);
		clients.push(client);
		await client.synced;
		return client;
	}

	it.skipIf(!hasPostgres)(
		'ends within its deadline while the database is out of reach; clients resend the rest',
		async () => {
			const database = await databaseBehindProxy();
			cleanup.push(() => database.close());
			const port = await restartablePort();
			const base = { PORT: String(port), DATA_DIR: '/tmp/cf-shutdown' };
			const { channelId, members } = await setUpCollabProcess(1, {
				...base,
				DATABASE_URL: database.directUrl
			});
			const env = {
				...base,
				DATABASE_URL: database.url,
				SHUTDOWN_DEADLINE_MS: String(DEADLINE_MS)
			};
			const start = async () => {
				const server = await serveCollabProcess(env);
				servers.push(server);
				return server;
			};
			const first = await start();
			const member = members[0]!;
			const client = await memberIn(port, channelId, member);
			const before = postMessage(client.doc, member.id, { text: 'stored before the outage' });
			await waitFor(() => stamped(client, before.id), 5_000, 'the first message stamped');

			await database.cut();
			const during = postMessage(client.doc, member.id, { text: 'written during the outage' });
			await client.acknowledged(); // relayed, waiting for the log
			let signalledAt = 0;
			const exited = exitOf(first, () => signalledAt);
			signalledAt = Date.now();
			first.kill('SIGTERM');
			const { ms, output } = await exited;
			expect(ms).toBeLessThan(DEADLINE_MS + 2_000);
			expect(output).toMatch(/shutdown deadline passed/);
			expect(stamped(client, during.id)).toBe(false);

			// The database and a server are back: the client sends what was not stored.
			database.restore();
			await start();
			await waitFor(() => stamped(client, during.id), 15_000, 'the message resent and stamped');
			expect(stamped(client, before.id)).toBe(true);
		},
		60_000
	);

	it('on PGlite, compacts before the database closes and logs no failure', async () => {
		const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cf-shutdown-pglite-'));
		cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
		const port = await restartablePort();
		const env = { PORT: String(port), DATA_DIR: dataDir, DATABASE_URL: '' };
		const { channelId, members } = await setUpCollabProcess(1, env);
		const server = runCollabProcess(['serve'], env);
		servers.push(server);
		let signalledAt = 0;
		const exited = exitOf(server, () => signalledAt);
		await outputOf(server, (text) => text.includes('ready'));
		const member = members[0]!;
		const client = await memberIn(port, channelId, member);
		const ids = Array.from(
			{ length: 5 },
			(_, n) => postMessage(client.doc, member.id, { text: `message ${n}` }).id
		);
		await waitFor(() => ids.every((id) => stamped(client, id)), 10_000, 'the messages stamped');
		signalledAt = Date.now();
		server.kill('SIGTERM');
		const { output } = await exited;
		expect(server.exitCode).toBe(0);
		expect(output).toMatch(/stopped/);
		expect(output).not.toMatch(/compaction of .* failed|ECONNREFUSED|"level":50/);
	}, 60_000);

	it('is no crash when a closing connection fails a promise nobody awaits', async () => {
		const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cf-shutdown-unawaited-'));
		cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
		const port = await restartablePort();
		const env = { PORT: String(port), DATA_DIR: dataDir, DATABASE_URL: '' };
		await setUpCollabProcess(1, env, { untilExit: true });
		const server = runCollabProcess(['serve'], { ...env, TEST_UNAWAITED_FAILURE_AT_STOP: '1' });
		servers.push(server);
		const exited = exitOf(server, () => 0);
		await outputOf(server, (text) => text.includes('ready'));
		server.kill('SIGTERM');
		const { output } = await exited;
		// Node's default for an unhandled rejection is exit code 1 (the rolling restart saw it).
		expect(server.exitCode, output).toBe(0);
		expect(output).toMatch(/a promise failed unawaited while shutting down/);
		expect(output).toMatch(/stopped/);
	}, 60_000);
});
