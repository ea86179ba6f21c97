import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../errors.ts';
import {
	CHUNK_BYTES,
	encryptedSize,
	ENCRYPTION_VERSION,
	filesKey,
	HEADER_BYTES,
	plaintextSize
} from './file-encryption.ts';
import { LocalStorage } from './local-storage.ts';
import { chunked, expectAppError, readAll } from './storage-contract.ts';

/**
 * Files at rest in the local folder, encrypted (file-encryption.ts): what lies on disk is not the
 * plaintext and holds none of it, every size comes back byte for byte through each way in
 * (buffer, stream, file), a wrong key and damaged bytes fail with their own codes, and files
 * stored before encryption was on still read.
 */
describe('files encrypted at rest in the local folder', () => {
	let root: string;
	let storage: LocalStorage;
	const key = filesKey(randomBytes(32));

	beforeAll(async () => {
		root = await fs.mkdtemp(path.join(os.tmpdir(), 'cf-encrypted-'));
		storage = new LocalStorage({ root, maxBytes: 4 * 1024 * 1024, encryption: key });
	});
	afterAll(() => fs.rm(root, { recursive: true, force: true }));

	/** A recognisable plaintext: a phrase repeated, so any leak of it on disk would be found. */
	function plaintext(size: number): Buffer {
		const phrase = Buffer.from('The merger closes on Friday; tell nobody. ');
		const out = Buffer.alloc(size);
		for (let offset = 0; offset < size; offset += phrase.length) phrase.copy(out, offset);
		return out;
	}

	it('keeps bytes on disk that differ from the plaintext and contain none of it', async () => {
		const plain = plaintext(200 * 1024);
		await storage.put('secret/plan.txt', plain, { contentType: 'text/plain' });
		const onDisk = await fs.readFile(path.join(root, 'secret/plan.txt'));
		expect(onDisk.equals(plain)).toBe(false);
		expect(onDisk.length).toBe(encryptedSize(plain.length));
		expect(onDisk.subarray(0, 5).toString('latin1')).toBe('CFENC');
		expect(onDisk[5]).toBe(ENCRYPTION_VERSION);
		expect(onDisk.includes(Buffer.from('merger'))).toBe(false);
		expect(onDisk.includes(plain.subarray(0, 16))).toBe(false);
		// The sidecar says the file is encrypted; it holds nothing secret.
		expect(
			JSON.parse(await fs.readFile(path.join(root, 'secret/plan.txt.meta.json'), 'utf8'))
		).toEqual({
			contentType: 'text/plain',
			encrypted: 1
		});
		// Two files of the same bytes look nothing alike (a random per-file key).
		await storage.put('secret/copy.txt', plain, { contentType: 'text/plain' });
		const copy = await fs.readFile(path.join(root, 'secret/copy.txt'));
		expect(
			copy
				.subarray(HEADER_BYTES, HEADER_BYTES + 64)
				.equals(onDisk.subarray(HEADER_BYTES, HEADER_BYTES + 64))
		).toBe(false);
	});

	it('gives back every size byte for byte, from a buffer, a stream and a file', async () => {
		const sizes = [0, 1, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES + 1, 3 * CHUNK_BYTES + 17];
		const spool = path.join(root, 'spooled');
		for (const size of sizes) {
			const data = randomBytes(size);
			await storage.put(`sizes/buffer-${size}`, data, { contentType: 'x/y' });
			// Chunks that do not line up with the cipher's.
			await storage.put(`sizes/stream-${size}`, chunked(data, 1000), { contentType: 'x/y' });
			await fs.writeFile(spool, data);
			await storage.putFile(`sizes/file-${size}`, spool, { contentType: 'x/y', size });
			for (const way of ['buffer', 'stream', 'file']) {
				const file = await storage.get(`sizes/${way}-${size}`);
				expect(file.size, `${way} ${size}`).toBe(size);
				expect((await readAll(file.stream)).equals(data), `${way} ${size}`).toBe(true);
				expect((await storage.stat(`sizes/${way}-${size}`)).size).toBe(size);
			}
			expect(plaintextSize(encryptedSize(size))).toBe(size);
		}
	});

	it('encrypts a file of this machine in the file cipher process, which outlives a failure', async () => {
		const data = randomBytes(5 * CHUNK_BYTES + 3);
		const spool = path.join(root, 'spooled-on-thread');
		await fs.writeFile(spool, data);
		const answered = storage.cipher!.answered;
		await storage.putFile('thread/photo.jpg', spool, { contentType: 'image/jpeg' });
		expect(storage.cipher!.answered).toBe(answered + 1);
		// A process of its own: its memory is not the server's.
		const pid = storage.cipher!.pid!;
		expect(pid).not.toBe(process.pid);
		expect(await fs.readFile(`/proc/${pid}/cmdline`, 'utf8')).toContain('file-cipher.entry.ts');
		// A derived storage (exports' larger limit) shares the process.
		expect(storage.withMaxBytes(8 * 1024 * 1024).cipher).toBe(storage.cipher);
		const stored = await storage.get('thread/photo.jpg');
		expect((await readAll(stored.stream)).equals(data)).toBe(true);
		expect(await fs.readFile(path.join(root, 'thread/photo.jpg'))).toHaveLength(
			encryptedSize(data.length)
		);

		// A file that goes before the thread reads it: an error, nothing stored, the thread goes on.
		await fs.writeFile(spool, data);
		const vanishing = storage.cipher!.ask({ source: `${spool}-gone`, target: `${spool}-out` });
		await expect(vanishing).rejects.toThrow(/ENOENT/);
		await storage.putFile('thread/again.jpg', spool, { contentType: 'image/jpeg' });
		expect((await readAll((await storage.get('thread/again.jpg')).stream)).equals(data)).toBe(true);
		expect(await fs.readdir(path.join(root, '.tmp'))).toEqual([]);

		// A process that dies is replaced by the next file's.
		const exited = new Promise((resolve) => {
			const watch = setInterval(() => {
				if (storage.cipher!.pid === undefined) resolve(clearInterval(watch));
			}, 10);
		});
		process.kill(pid, 'SIGKILL');
		await exited;
		await fs.writeFile(spool, data);
		await storage.putFile('thread/after.jpg', spool, { contentType: 'image/jpeg' });
		expect(storage.cipher!.pid).not.toBe(pid);
		expect((await readAll((await storage.get('thread/after.jpg')).stream)).equals(data)).toBe(true);
	});

	it('answers a download with the plaintext and its length', async () => {
		const data = randomBytes(100_000);
		await storage.put('download/a.bin', data, { contentType: 'application/octet-stream' });
		const response = await storage.downloadResponse('download/a.bin', { filename: 'a.bin' });
		expect(response.headers.get('content-length')).toBe('100000');
		expect(Buffer.from(await response.arrayBuffer()).equals(data)).toBe(true);
	});

	it('refuses to read with another key: FILE_KEY_MISMATCH, before any byte', async () => {
		await storage.put('keys/a.txt', plaintext(1000), { contentType: 'text/plain' });
		const other = new LocalStorage({
			root,
			maxBytes: 1024 * 1024,
			encryption: filesKey(randomBytes(32))
		});
		await expectAppError(other.get('keys/a.txt'), 'FILE_KEY_MISMATCH');
		const keyless = new LocalStorage({ root, maxBytes: 1024 * 1024 });
		await expectAppError(keyless.get('keys/a.txt'), 'FILE_KEY_MISMATCH');
	});

	it('fails a changed byte or a file cut short with FILE_DAMAGED', async () => {
		const data = randomBytes(3 * CHUNK_BYTES);
		const failure = async (name: string) => {
			const file = await storage.get(name);
			const error = await readAll(file.stream).then(
				() => null,
				(caught: unknown) => caught
			);
			return isAppError(error) ? error.code : String(error);
		};

		await storage.put('damaged/flipped', data, { contentType: 'x/y' });
		const flipped = path.join(root, 'damaged/flipped');
		const bytes = await fs.readFile(flipped);
		bytes[HEADER_BYTES + CHUNK_BYTES + 100]! ^= 1;
		await fs.writeFile(flipped, bytes);
		expect(await failure('damaged/flipped')).toBe('FILE_DAMAGED');

		// Cut exactly after the second chunk: without the last-chunk flag it would look whole.
		await storage.put('damaged/cut', data, { contentType: 'x/y' });
		const cut = path.join(root, 'damaged/cut');
		await fs.truncate(cut, HEADER_BYTES + 2 * (CHUNK_BYTES + 16));
		expect(await failure('damaged/cut')).toBe('FILE_DAMAGED');

		// A changed header (its salt) fails every chunk.
		await storage.put('damaged/header', data, { contentType: 'x/y' });
		const header = path.join(root, 'damaged/header');
		const headed = await fs.readFile(header);
		headed[HEADER_BYTES - 1]! ^= 1;
		await fs.writeFile(header, headed);
		expect(await failure('damaged/header')).toBe('FILE_DAMAGED');
	});

	it('still reads files stored before encryption was switched on', async () => {
		const before = new LocalStorage({ root, maxBytes: 1024 * 1024 });
		await before.put('legacy/old.txt', Buffer.from('stored in plain bytes'), {
			contentType: 'text/plain'
		});
		const file = await storage.get('legacy/old.txt');
		expect(file.size).toBe(21);
		expect((await readAll(file.stream)).toString()).toBe('stored in plain bytes');
		// What is written now is encrypted, beside it.
		await storage.put('legacy/new.txt', Buffer.from('stored encrypted'), {
			contentType: 'text/plain'
		});
		expect((await fs.readFile(path.join(root, 'legacy/new.txt'))).includes('stored')).toBe(false);
	});

	it('keeps the size limit on the plaintext', async () => {
		const small = storage.withMaxBytes(CHUNK_BYTES);
		expect(small.encryption).toBe(key);
		await small.put('limit/exact', randomBytes(CHUNK_BYTES), { contentType: 'x/y' });
		await expectAppError(
			small.put('limit/over', chunked(randomBytes(CHUNK_BYTES + 1)), { contentType: 'x/y' }),
			'PAYLOAD_TOO_LARGE'
		);
		expect(await small.exists('limit/over')).toBe(false);
	});
});
