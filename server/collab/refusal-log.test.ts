import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as encoding from 'lib0/encoding';
import { messageYjsSyncStep2 } from 'y-protocols/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { documentName, postMessage } from '#shared/chat/document-schema.ts';
import { connectClient, waitFor } from './testing/collab-harness.ts';
import {
	killCollabProcess,
	runCollabProcess,
	setUpCollabProcess,
	type ChildMember
} from './testing/collab-child.ts';
import { restartablePort } from './testing/test-port.ts';

/** A raw sync frame of the Hocuspocus protocol: document name, message type 0, sync type. */
function syncFrame(documentName: string, syncType: number, update: number[]): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarString(encoder, documentName);
	encoding.writeVarUint(encoder, 0);
	encoding.writeVarUint(encoder, syncType);
	encoding.writeVarUint8Array(encoder, new Uint8Array(update));
	return encoding.toUint8Array(encoder);
}

/**
 * A refused update is one warning in the server's log: the person, the document, the connection
 * and the reason code, as one JSON line, with no stack trace on stdout or stderr. The server
 * runs in its own process so that everything it writes, from any library, is seen.
 */
describe('the log of a refused update', () => {
	const dataDir = path.join(os.tmpdir(), `cf-refusal-log-${process.pid}-${Date.now()}`);
	afterAll(() => fs.rm(dataDir, { recursive: true, force: true }));

	it('is one warn line with the person, document, connection and reason code', async () => {
		const port = await restartablePort();
		const env = { DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'info' };
		const { channelId, members } = await setUpCollabProcess(2, env, { untilExit: true });
		const server = runCollabProcess(['serve'], env);
		let stdout = '';
		let stderr = '';
		server.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		server.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		try {
			await waitFor(() => stdout.includes('ready'), 30_000, 'the server to start');
			const [mallory, victim] = members as [ChildMember, ChildMember];
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
			// A crafted sync step 2 that does not decode, from another connection.
			const crafter = connectClient(`ws://127.0.0.1:${port}/collab`, victim.token, name, {
				maxAttempts: 1
			});
			await crafter.synced;
			crafter.socket.send(
				syncFrame(name, messageYjsSyncStep2, [5, 200, 1, 7, 7, 255, 255, 255, 255, 15])
			);
			await waitFor(() => crafter.closes.length > 0, 5_000, 'the second refusal');
			expect(crafter.closes[0]).toMatch(/^refused: the update does not decode/);
			crafter.destroy();
			// A document name of the wrong kind: refused as the connection opens.
			const wrongKind = documentName('breakout', channelId, 0);
			const opener = connectClient(`ws://127.0.0.1:${port}/collab`, victim.token, wrongKind, {
				maxAttempts: 1
			});
			await waitFor(() => opener.denied.length > 0, 5_000, 'the refused opening');
			expect(opener.denied[0]).toMatch(/^invalid-document:/);
			opener.destroy();
			// Bytes that are not the protocol at all: the socket closes, with one line in the log.
			const garbage = connectClient(`ws://127.0.0.1:${port}/collab`, victim.token, name, {
				maxAttempts: 1
			});
			await garbage.synced;
			garbage.socket.send(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3]));
			await waitFor(
				() => String(garbage.socket.status) !== 'connected',
				5_000,
				'the garbage frame to close it'
			);
			garbage.destroy();
			await new Promise((resolve) => setTimeout(resolve, 300));
		} finally {
			await killCollabProcess(server);
		}

		const lines = stdout.split('\n').filter((line) => line.startsWith('{'));
		const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
		const warnings = records.filter((record) => (record.level as number) >= 40);
		expect(warnings).toHaveLength(4);
		expect(warnings[3]).toMatchObject({ level: 40, code: 'malformed-frame', msg: 'frame refused' });
		expect(warnings[2]).toMatchObject({
			level: 40,
			document: documentName('breakout', channelId, 0),
			code: 'invalid-document',
			msg: 'connection refused'
		});
		expect(warnings[1]).toMatchObject({ level: 40, userId: members[1]!.id, code: 'refused' });
		expect(warnings[0]).toMatchObject({
			level: 40,
			userId: members[0]!.id,
			document: documentName('channel', channelId, 0),
			code: 'refused',
			msg: 'update refused'
		});
		for (const warning of warnings.slice(0, 2)) {
			expect(warning.connectionId).toMatch(/^[0-9a-f-]{36}$/);
			expect(JSON.stringify(warning)).not.toMatch(/stack|\bat .*:\d+:\d+/);
		}
		expect(warnings[0]!.connectionId).not.toBe(warnings[1]!.connectionId);
		// Nothing else anywhere: no stack trace, no line from a library.
		expect(stdout).not.toMatch(/\n\s+at /);
		expect(stderr).toBe('');
	}, 120_000);
});
