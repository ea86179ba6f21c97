import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { documentName, postMessage } from '../../src/lib/shared/chat/document-schema.ts';
import { connectClient, waitFor } from './testing/collab-harness.ts';
import { killCollabProcess, outputOf, runCollabProcess } from './testing/collab-child.ts';

/**
 * A refused update is one warning in the server's log: the person, the document, the connection
 * and the reason code, as one JSON line, with no stack trace on stdout or stderr. The server
 * runs in its own process so that everything it writes, from any library, is seen.
 */
describe('the log of a refused update', () => {
	const dataDir = path.join(os.tmpdir(), `cf-refusal-log-${process.pid}-${Date.now()}`);
	afterAll(() => fs.rm(dataDir, { recursive: true, force: true }));

	it('is one warn line with the person, document, connection and reason code', async () => {
		const port = 20_000 + Math.floor(Math.random() * 20_000);
		const env = { DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'info' };
		const setup = runCollabProcess(['setup', '2'], env);
		const { channelId, members } = JSON.parse(
			(await outputOf(setup, (text) => text.trim().endsWith('}'))).trim()
		) as { channelId: string; members: { id: string; token: string }[] };
		await new Promise((resolve) => setup.on('exit', resolve));

		const server = runCollabProcess(['serve'], env);
		let stdout = '';
		let stderr = '';
		server.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		server.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		try {
			await waitFor(() => stdout.includes('ready'), 30_000, 'the server to start');
			const [mallory, victim] = members as [
				{ id: string; token: string },
				{ id: string; token: string }
			];
			const name = documentName('channel', channelId, 0);
			const client = connectClient(`ws://127.0.0.1:${port}/collab`, mallory.token, name, {
				maxAttempts: 1
			});
			await client.synced;
			// Posting in someone else's name: the guard refuses it.
			postMessage(client.doc, victim.id, { text: 'I am someone else' });
			await waitFor(() => client.closes.length > 0, 5_000, 'the refusal');
			expect(client.closes[0]).toMatch(/^refused:/);
			client.destroy();
			await new Promise((resolve) => setTimeout(resolve, 300));
		} finally {
			await killCollabProcess(server);
		}

		const lines = stdout.split('\n').filter((line) => line.startsWith('{'));
		const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
		const warnings = records.filter((record) => (record.level as number) >= 40);
		expect(warnings).toHaveLength(1);
		expect(warnings[0]).toMatchObject({
			level: 40,
			userId: members[0]!.id,
			document: documentName('channel', channelId, 0),
			code: 'refused',
			msg: 'update refused'
		});
		expect(warnings[0]!.connectionId).toMatch(/^[0-9a-f-]{36}$/);
		expect(JSON.stringify(warnings[0])).not.toMatch(/stack|\bat .*:\d+:\d+/);
		// Nothing else anywhere: no stack trace, no line from a library.
		expect(stdout).not.toMatch(/\n\s+at /);
		expect(stderr).toBe('');
	}, 120_000);
});
