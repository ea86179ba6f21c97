import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../db/database.ts';
import { backupSocketPath, FolderInUseError, holdDataFolder } from './backup-socket.ts';
import { imageFromServer } from './backup.ts';

/**
 * The data folder's socket: one holder at a time, a killed holder's socket replaced, a server
 * that waits for a backup, and the image served once the database is open.
 */
describe('the data folder socket', () => {
	let root: string;
	let database: Database;
	beforeAll(async () => {
		root = await fs.mkdtemp(path.join(os.tmpdir(), 'cf-folder-'));
		database = await openDatabase({ pgliteDir: 'memory://', migrate: false });
	});
	afterAll(async () => {
		await database.close();
		await fs.rm(root, { recursive: true, force: true });
	});

	it('admits one holder, and answers busy until the database is served', async () => {
		const dataDir = path.join(root, 'one');
		const first = await holdDataFolder(dataDir, 'backup');
		expect((await fs.stat(first.path)).mode & 0o777).toBe(0o600);
		await expect(holdDataFolder(dataDir, 'restore')).rejects.toBeInstanceOf(FolderInUseError);
		expect(await imageFromServer(first.path)).toBe('busy');
		first.serve(database);
		const image = await imageFromServer(first.path);
		expect(image).toBeInstanceOf(Uint8Array);
		expect((image as Uint8Array).byteLength).toBeGreaterThan(1_000_000);
		await first.close();
		// Released: nobody listens, the next one holds it.
		expect(await imageFromServer(first.path)).toBeNull();
		const next = await holdDataFolder(dataDir, 'restore');
		await next.close();
	});

	it('replaces the socket a killed holder left behind', async () => {
		const dataDir = path.join(root, 'stale');
		await fs.mkdir(dataDir);
		// A process that listens on the socket and is killed (SIGKILL): its socket file stays.
		const holder = spawn(
			process.execPath,
			[
				'-e',
				`require('node:net').createServer().listen(${JSON.stringify(backupSocketPath(dataDir))}, () => process.stdout.write('up\\n'))`
			],
			{ stdio: ['ignore', 'pipe', 'inherit'] }
		);
		await new Promise((resolve) => holder.stdout.once('data', resolve));
		await expect(holdDataFolder(dataDir, 'backup')).rejects.toBeInstanceOf(FolderInUseError);
		holder.kill('SIGKILL');
		await new Promise((resolve) => holder.once('exit', resolve));
		expect((await fs.stat(backupSocketPath(dataDir))).isSocket()).toBe(true);
		const hold = await holdDataFolder(dataDir, 'server');
		await hold.close();
	});

	it('makes a starting server wait for a backup, and refuses a second server', async () => {
		const dataDir = path.join(root, 'wait');
		const backup = await holdDataFolder(dataDir, 'backup');
		let serverHolds = false;
		const server = holdDataFolder(dataDir, 'server').then((hold) => {
			serverHolds = true;
			return hold;
		});
		await new Promise((resolve) => setTimeout(resolve, 700));
		expect(serverHolds).toBe(false);
		await backup.close();
		const hold = await server;
		await expect(holdDataFolder(dataDir, 'server')).rejects.toBeInstanceOf(FolderInUseError);
		await hold.close();
	});

	it('puts the socket of a data folder with a long path in the temp folder', () => {
		const long = path.join('/srv', 'x'.repeat(120));
		expect(backupSocketPath(long)).toMatch(/connectflow-backup-[0-9a-f]{16}\.sock$/);
		expect(backupSocketPath(long)).toBe(backupSocketPath(long + '/'));
		expect(backupSocketPath('/srv/data')).toBe('/srv/data/backup.sock');
	});
});
