import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { documentName, listMessages, postMessage } from '#shared/chat/document-schema.ts';
import { connectClient, type TestClient } from '#collab/testing/collab-harness.ts';
import {
	killCollabProcess,
	serveCollabProcess,
	setUpCollabProcess,
	type ChildMember
} from '#collab/testing/collab-child.ts';
import { restartablePort } from '#collab/testing/test-port.ts';
import { isPostgresReachable, realPostgresUrl } from '../testing/test-database.ts';
import * as samples from '../files/testing/samples.ts';
import { readArchive } from './archive.ts';
import type { BackupManifest } from './backup.ts';

/**
 * `npm run backup` and `npm run restore` as an operator runs them, in processes of their own,
 * against a real server process: the backup is taken while the server runs and a client keeps
 * posting; the archive is restored into a fresh data folder (and a fresh Postgres database), a
 * server is started on it, and every message acknowledged before the backup began and every
 * file (byte for byte, through the access-checked download) is there.
 */
const hasPostgres = await isPostgresReachable();

function runScript(
	script: 'backup' | 'restore',
	args: string[],
	env: Record<string, string>
): Promise<{ code: number | null; stdout: string; stderr: string }> {
	const child = spawn(process.execPath, [`scripts/backup/${script}.ts`, ...args], {
		env: { ...process.env, ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

function manifestOf(stdout: string): BackupManifest {
	return JSON.parse(stdout.trim().split('\n').at(-1)!) as BackupManifest;
}

const cookie = (member: ChildMember) => ({ cookie: `cf_session=${member.token}` });

async function uploadFile(
	origin: string,
	member: ChildMember,
	channelId: string,
	name: string,
	bytes: Uint8Array
): Promise<string> {
	const response = await fetch(
		`${origin}/test/files?${new URLSearchParams({ channel: channelId, name })}`,
		{ method: 'POST', headers: cookie(member), body: bytes.slice() }
	);
	const body = (await response.json()) as { id: string };
	expect(response.status, JSON.stringify(body)).toBe(201);
	return body.id;
}

async function downloadFile(origin: string, member: ChildMember, id: string): Promise<Buffer> {
	const response = await fetch(`${origin}/test/files/${id}`, { headers: cookie(member) });
	expect(response.status, id).toBe(200);
	return Buffer.from(await response.arrayBuffer());
}

describe('backup and restore of a running server', () => {
	const servers: ChildProcess[] = [];
	const clients: TestClient[] = [];
	const cleanup: Array<() => Promise<unknown>> = [];
	afterAll(async () => {
		for (const client of clients) client.destroy();
		for (const server of servers) await killCollabProcess(server);
		for (const step of cleanup.reverse()) await step();
	});

	/**
	 * Fills a server with messages and files, backs it up while a client keeps posting, restores
	 * with `restoreEnv` and checks the restored server has everything acknowledged before.
	 */
	async function roundTrip(
		env: Record<string, string>,
		restoreEnv: Record<string, string>
	): Promise<{ manifest: BackupManifest; archive: string }> {
		const { channelId, members } = await setUpCollabProcess(
			2,
			{ ...env, PORT: '0' },
			{ untilExit: true }
		);
		const port = await restartablePort();
		const server = await serveCollabProcess({ ...env, PORT: String(port) });
		servers.push(server);
		const origin = `http://127.0.0.1:${port}`;
		const [alice, bob] = members as [ChildMember, ChildMember];
		const name = documentName('channel', channelId, 0);
		const client = connectClient(`ws://127.0.0.1:${port}/collab`, alice.token, name, {
			userId: alice.id
		});
		clients.push(client);
		await client.synced;

		const acknowledged: string[] = [];
		for (let n = 0; n < 30; n++) {
			acknowledged.push(postMessage(client.doc, alice.id, { text: `before the backup ${n}` }).id);
			await client.acknowledged();
		}
		const files = new Map<string, Buffer>([
			['Quarterly report.pdf', Buffer.from(samples.pdf)],
			['Big report.pdf', Buffer.from(samples.largePdf(3 * 1024 * 1024 + 123))],
			['IMG_0042.jpg', Buffer.from(await samples.phonePhoto())]
		]);
		const fileIds = new Map<string, string>();
		for (const [fileName, bytes] of files) {
			fileIds.set(fileName, await uploadFile(origin, alice, channelId, fileName, bytes));
		}
		// What the server hands out for the photo (turned upright, without its EXIF), as stored.
		const photo = await downloadFile(origin, bob, fileIds.get('IMG_0042.jpg')!);
		files.set('IMG_0042.jpg', photo);

		// The backup runs while the client keeps posting.
		let writing = true;
		const during = (async () => {
			for (let n = 0; writing; n++) {
				postMessage(client.doc, alice.id, { text: `during the backup ${n}` });
				await new Promise((resolve) => setTimeout(resolve, 20));
			}
		})();
		const archive = path.join(
			env.DATA_DIR!,
			'..',
			`backup-${randomBytes(4).toString('hex')}.tar.gz`
		);
		cleanup.push(() => fs.rm(archive, { force: true }));
		const backup = await runScript('backup', ['--out', archive], env);
		writing = false;
		await during;
		expect(backup.code, backup.stderr).toBe(0);
		const manifest = manifestOf(backup.stdout);
		// The server kept serving: it acknowledges what the client wrote meanwhile.
		await client.acknowledged();
		client.destroy();
		await killCollabProcess(server);

		const restored = await runScript('restore', [archive], restoreEnv);
		expect(restored.code, restored.stderr).toBe(0);

		const restoredPort = await restartablePort();
		const again = await serveCollabProcess({ ...restoreEnv, PORT: String(restoredPort) });
		servers.push(again);
		const reader = connectClient(`ws://127.0.0.1:${restoredPort}/collab`, bob.token, name, {
			userId: bob.id
		});
		clients.push(reader);
		await reader.synced;
		const found = new Set(listMessages(reader.doc).map((message) => message.id));
		expect(acknowledged.filter((id) => !found.has(id))).toEqual([]);
		for (const [fileName, bytes] of files) {
			const got = await downloadFile(
				`http://127.0.0.1:${restoredPort}`,
				bob,
				fileIds.get(fileName)!
			);
			expect([fileName, got.length, got.equals(bytes)]).toEqual([fileName, bytes.length, true]);
		}
		reader.destroy();
		await killCollabProcess(again);
		return { manifest, archive };
	}

	it('backs up the embedded database while the server runs, and restores it into a fresh data folder', async () => {
		const root = await fs.mkdtemp(path.join(os.tmpdir(), 'cf-backup-'));
		cleanup.push(() => fs.rm(root, { recursive: true, force: true }));
		const env = { DATA_DIR: path.join(root, 'data') };
		const restoreEnv = { DATA_DIR: path.join(root, 'restored') };
		const { manifest, archive } = await roundTrip(env, restoreEnv);

		expect(manifest).toMatchObject({
			format: 'connectflow-backup',
			version: 1,
			database: { kind: 'pglite', online: true },
			files: { storage: 'local', included: true, missing: 0 },
			encryption: { keySource: 'data folder', keyIncluded: true }
		});
		// Three files, the photo's thumbnail and preview, each with its sidecar.
		expect(manifest.files.count).toBe(10);
		expect(manifest.database.counts.files).toBe(3);
		expect(manifest.database.counts.users).toBe(3);
		expect(manifest.database.counts.messages).toBeGreaterThanOrEqual(30);

		// The restored folder has the same key (0600), and the files in the archive are the
		// encrypted ones: no PDF in it in plain bytes.
		const [key, restoredKey] = await Promise.all([
			fs.readFile(path.join(env.DATA_DIR, 'files.key'), 'utf8'),
			fs.readFile(path.join(restoreEnv.DATA_DIR, 'files.key'), 'utf8')
		]);
		expect(restoredKey).toBe(key);
		expect((await fs.stat(path.join(restoreEnv.DATA_DIR, 'files.key'))).mode & 0o777).toBe(0o600);
		for await (const entry of readArchive(archive)) {
			const chunks: Buffer[] = [];
			for await (const chunk of entry.stream) chunks.push(chunk as Buffer);
			if (entry.name.startsWith('files/') && !entry.name.endsWith('.meta.json')) {
				expect(Buffer.concat(chunks).subarray(0, 5).toString('latin1'), entry.name).toBe('CFENC');
			}
		}

		// An archive cut short changes nothing: it is refused before anything is put in place.
		const cut = `${archive}.cut`;
		cleanup.push(() => fs.rm(cut, { force: true }));
		const whole = await fs.readFile(archive);
		await fs.writeFile(cut, whole.subarray(0, Math.floor(whole.length / 2)));
		const fresh = path.join(root, 'from-cut');
		const damaged = await runScript('restore', [cut], { DATA_DIR: fresh });
		expect(damaged.code).toBe(1);
		expect(damaged.stderr).toMatch(/is not a readable backup|has no manifest/);
		expect((await fs.readdir(fresh)).filter((name) => name !== 'backup.sock')).toEqual([]);

		// A restore never overwrites: the restored folder now holds a database.
		const refused = await runScript('restore', [archive], restoreEnv);
		expect(refused.code).toBe(1);
		expect(refused.stderr).toMatch(/already holds an embedded database.*--force/);
		// --force moves the database and the files aside, deleting nothing.
		const forced = await runScript('restore', [archive, '--force'], restoreEnv);
		expect(forced.code, forced.stderr).toBe(0);
		const aside = (await fs.readdir(restoreEnv.DATA_DIR)).filter((name) =>
			name.includes('.before-restore-')
		);
		expect(aside.map((name) => name.split('.')[0]).sort()).toEqual(['files', 'pglite']);
		expect(forced.stdout).toContain('Moved aside:');
	}, 240_000);

	it.skipIf(!hasPostgres)(
		'backs up Postgres with pg_dump while the server runs, and restores it into a fresh database',
		async () => {
			const admin = postgres(realPostgresUrl, { max: 1, onnotice: () => {} });
			cleanup.push(() => admin.end());
			const names = [1, 2].map(() => `cf_backup_${Date.now()}_${randomBytes(4).toString('hex')}`);
			const urls = names.map((name) => {
				const url = new URL(realPostgresUrl);
				url.pathname = `/${name}`;
				return url.toString();
			});
			for (const name of names) {
				await admin.unsafe(`create database ${name}`);
				cleanup.push(() => admin.unsafe(`drop database if exists ${name} with (force)`));
			}
			const root = await fs.mkdtemp(path.join(os.tmpdir(), 'cf-backup-pg-'));
			cleanup.push(() => fs.rm(root, { recursive: true, force: true }));
			// The files key in the environment: the archive names it and does not hold it.
			const key = randomBytes(32).toString('base64');
			const env = {
				DATA_DIR: path.join(root, 'data'),
				DATABASE_URL: urls[0]!,
				FILES_ENCRYPTION_KEY: key
			};
			const restoreEnv = {
				DATA_DIR: path.join(root, 'restored'),
				DATABASE_URL: urls[1]!,
				FILES_ENCRYPTION_KEY: key
			};
			const { manifest, archive } = await roundTrip(env, restoreEnv);
			expect(manifest).toMatchObject({
				database: { kind: 'postgres', entry: 'database/postgres.dump' },
				files: { storage: 'local', included: true, count: 10 },
				encryption: { keySource: 'environment', keyIncluded: false }
			});
			const entries: string[] = [];
			for await (const entry of readArchive(archive)) {
				entries.push(entry.name);
				entry.stream.resume();
			}
			expect(entries).not.toContain('keys/files.key');

			// Another key cannot read the archive's files: the restore says so and changes nothing.
			const other = await runScript('restore', [archive], {
				...restoreEnv,
				DATA_DIR: path.join(root, 'other'),
				FILES_ENCRYPTION_KEY: randomBytes(32).toString('hex')
			});
			expect(other.code).toBe(1);
			expect(other.stderr).toMatch(/encrypted with key [0-9a-f]{16}; FILES_ENCRYPTION_KEY is/);
		},
		240_000
	);
});
