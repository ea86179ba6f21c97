import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { filesKey } from './file-encryption.ts';
import { LocalStorage } from './local-storage.ts';
import { S3Storage } from './s3-storage.ts';
import { createStorage, parseEndpoint } from './storage.ts';
import {
	CONTRACT_MAX_BYTES,
	describeStorageContract,
	expectAppError,
	failingAfter,
	readAll
} from './storage-contract.ts';

describeStorageContract('local folder', async () => {
	const root = await fs.mkdtemp(path.join(os.tmpdir(), 'cf-local-storage-'));
	return {
		storage: new LocalStorage({ root: path.join(root, 'files'), maxBytes: CONTRACT_MAX_BYTES }),
		close: () => fs.rm(root, { recursive: true, force: true })
	};
});

describeStorageContract('local folder, encrypted', async () => {
	const root = await fs.mkdtemp(path.join(os.tmpdir(), 'cf-local-storage-enc-'));
	return {
		storage: new LocalStorage({
			root: path.join(root, 'files'),
			maxBytes: CONTRACT_MAX_BYTES,
			encryption: filesKey(randomBytes(32))
		}),
		close: () => fs.rm(root, { recursive: true, force: true })
	};
});

describe('LocalStorage on disk', () => {
	let root: string;
	let storage: LocalStorage;

	beforeAll(async () => {
		root = await fs.mkdtemp(path.join(os.tmpdir(), 'cf-local-disk-'));
		storage = new LocalStorage({ root, maxBytes: 1024 * 1024 });
	});
	afterAll(() => fs.rm(root, { recursive: true, force: true }));

	it('keeps the bytes at the key and the content type in a sidecar', async () => {
		await storage.put('orgs/1/a.txt', Buffer.from('hi'), { contentType: 'text/plain' });
		expect(await fs.readFile(path.join(root, 'orgs/1/a.txt'), 'utf8')).toBe('hi');
		expect(
			JSON.parse(await fs.readFile(path.join(root, 'orgs/1/a.txt.meta.json'), 'utf8'))
		).toEqual({ contentType: 'text/plain' });
		await storage.delete('orgs/1/a.txt');
		await expect(fs.readdir(path.join(root, 'orgs/1'))).resolves.toEqual([]);
	});

	it('leaves no temp files behind after failed uploads', async () => {
		await expect(
			storage.put('fail/a', failingAfter(300 * 1024), { contentType: 'x/y' })
		).rejects.toThrow('connection reset');
		await expectAppError(
			storage.put('fail/b', failingAfter(4 * 1024 * 1024), { contentType: 'x/y' }),
			'PAYLOAD_TOO_LARGE'
		);
		expect(await fs.readdir(path.join(root, '.tmp'))).toEqual([]);
	});

	it('serves a file without sidecar as opaque bytes', async () => {
		await fs.mkdir(path.join(root, 'manual'), { recursive: true });
		await fs.writeFile(path.join(root, 'manual/copied.bin'), 'abc');
		const file = await storage.get('manual/copied.bin');
		expect(file.contentType).toBe('application/octet-stream');
		expect((await readAll(file.stream)).toString()).toBe('abc');
	});

	it('refuses a key that is already the folder of other files, and the reverse', async () => {
		await storage.put('tree/leaf', Buffer.from('1'), { contentType: 'text/plain' });
		await expectAppError(
			storage.put('tree', Buffer.from('2'), { contentType: 'text/plain' }),
			'CONFLICT'
		);
		await expectAppError(
			storage.put('tree/leaf/deeper', Buffer.from('3'), { contentType: 'text/plain' }),
			'CONFLICT'
		);
		await expectAppError(storage.get('tree'), 'NOT_FOUND');
		await expectAppError(storage.get('tree/leaf/deeper'), 'NOT_FOUND');
		await storage.delete('tree');
		expect((await readAll((await storage.get('tree/leaf')).stream)).toString()).toBe('1');
	});

	it('has no signed URLs', async () => {
		await storage.put('s', Buffer.from('1'), { contentType: 'text/plain' });
		expect(await storage.signedUrl('s', 60)).toBeNull();
	});
});

describe('createStorage', () => {
	it('uses the data folder unless S3_ENDPOINT is set', () => {
		const config = loadConfig({ DATA_DIR: '/tmp/cf-data', MAX_FILE_MB: '2' });
		const storage = createStorage(config);
		expect(storage).toBeInstanceOf(LocalStorage);
		expect((storage as LocalStorage).root).toBe(config.filesDir);
		expect((storage as LocalStorage).maxBytes).toBe(2 * 1024 * 1024);
	});

	it('encrypts with FILES_ENCRYPTION_KEY, or a key generated once into the data folder (0600)', async () => {
		const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'cf-files-key-'));
		try {
			const first = createStorage(loadConfig({ DATA_DIR: dataDir })) as LocalStorage;
			const keyFile = path.join(dataDir, 'files.key');
			expect((await fs.stat(keyFile)).mode & 0o777).toBe(0o600);
			// The next start (or another process on the folder) takes the same key.
			const again = createStorage(loadConfig({ DATA_DIR: dataDir })) as LocalStorage;
			expect(again.encryption!.id).toBe(first.encryption!.id);
			expect(again.encryption!.key.equals(first.encryption!.key)).toBe(true);

			const hex = randomBytes(32).toString('hex');
			const configured = createStorage(
				loadConfig({ DATA_DIR: dataDir, FILES_ENCRYPTION_KEY: hex })
			) as LocalStorage;
			expect(configured.encryption!.key.toString('hex')).toBe(hex);
			const base64 = createStorage(
				loadConfig({
					DATA_DIR: dataDir,
					FILES_ENCRYPTION_KEY: Buffer.from(hex, 'hex').toString('base64')
				})
			) as LocalStorage;
			expect(base64.encryption!.id).toBe(configured.encryption!.id);
			expect(() =>
				createStorage(loadConfig({ DATA_DIR: dataDir, FILES_ENCRYPTION_KEY: 'too-short' }))
			).toThrow(/FILES_ENCRYPTION_KEY must be 32 bytes/);
		} finally {
			await fs.rm(dataDir, { recursive: true, force: true });
		}
	});

	it('uses S3 when S3_ENDPOINT is set', () => {
		const storage = createStorage(
			loadConfig({
				S3_ENDPOINT: 'minio',
				S3_PORT: '9000',
				S3_USE_SSL: 'false',
				S3_ACCESS_KEY: 'k',
				S3_SECRET_KEY: 's',
				S3_BUCKET: 'files'
			})
		);
		expect(storage).toBeInstanceOf(S3Storage);
		expect(storage.kind).toBe('s3');
		expect((storage as S3Storage).bucket).toBe('files');
	});

	it('reads S3_ENDPOINT given as a URL', () => {
		expect(parseEndpoint('minio.internal', 9000, false)).toEqual({
			endPoint: 'minio.internal',
			port: 9000,
			useSSL: false
		});
		expect(parseEndpoint('https://s3.example.com', undefined, false)).toEqual({
			endPoint: 's3.example.com',
			port: undefined,
			useSSL: true
		});
		expect(parseEndpoint('http://[::1]:9000', undefined, true)).toEqual({
			endPoint: '::1',
			port: 9000,
			useSSL: false
		});
	});
});
