import { createHash, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../errors.ts';
import type { ErrorCode } from '#shared/errors.ts';
import type { FileStorage } from './storage.ts';

/**
 * The behaviour every FileStorage must have, run by local-storage.test.ts and s3-storage.test.ts
 * against real backends. `maxBytes` of the storage under test must be CONTRACT_MAX_BYTES.
 */
export const CONTRACT_MAX_BYTES = 8 * 1024 * 1024;

export interface ContractBackend {
	storage: FileStorage;
	close(): Promise<void>;
}

export async function readAll(stream: Readable): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
	return Buffer.concat(chunks);
}

export const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** A stream of `data` in small chunks, the way an HTTP upload arrives. */
export function chunked(data: Uint8Array, chunkSize = 64 * 1024): Readable {
	return Readable.from(
		(function* () {
			for (let offset = 0; offset < data.length; offset += chunkSize) {
				yield Buffer.from(data.subarray(offset, offset + chunkSize));
			}
		})()
	);
}

/** A stream that delivers `bytes` and then fails, like a dropped upload connection. */
export function failingAfter(bytes: number): Readable {
	return Readable.from(
		(async function* () {
			const chunk = Buffer.alloc(256 * 1024, 7);
			for (let sent = 0; sent < bytes; sent += chunk.length) yield chunk;
			throw new Error('connection reset by peer');
		})()
	);
}

export async function expectAppError(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
	const error = await promise.then(
		() => null,
		(thrown: unknown) => thrown
	);
	expect(error, `expected AppError ${code}`).not.toBeNull();
	expect(isAppError(error) ? error.code : error).toBe(code);
}

export const BAD_KEYS = [
	'',
	'/etc/passwd',
	'../outside',
	'a/../../outside',
	'a/..',
	'./a',
	'a/./b',
	'a//b',
	'a/',
	'.hidden',
	'a/.tmp/x',
	'with space',
	'ümlaut',
	'back\\slash',
	'nul\0byte',
	'new\nline',
	'percent%2e%2e',
	'file.meta.json',
	'x'.repeat(513)
];

export function describeStorageContract(name: string, open: () => Promise<ContractBackend>) {
	describe(`FileStorage contract: ${name}`, () => {
		let backend: ContractBackend;
		let storage: FileStorage;
		// Every test writes below its own prefix, so tests never see each other's files.
		const key = (suffix: string) => `contract/${randomUUID()}/${suffix}`;

		beforeAll(async () => {
			backend = await open();
			storage = backend.storage;
		});
		afterAll(async () => {
			await backend?.close();
		});

		it('round-trips binary data with its content type', async () => {
			const data = new Uint8Array(4096);
			for (let i = 0; i < data.length; i++) data[i] = (i * 7919) % 256;
			const k = key('every-byte.bin');

			expect(await storage.put(k, data, { contentType: 'application/x-test' })).toEqual({
				key: k,
				size: data.length
			});
			const file = await storage.get(k);
			expect(file.size).toBe(data.length);
			expect(file.contentType).toBe('application/x-test');
			expect(Buffer.compare(await readAll(file.stream), Buffer.from(data))).toBe(0);
		});

		it('stores an empty file', async () => {
			const k = key('empty.txt');
			expect(await storage.put(k, new Uint8Array(0), { contentType: 'text/plain' })).toEqual({
				key: k,
				size: 0
			});
			const file = await storage.get(k);
			expect(file.size).toBe(0);
			expect((await readAll(file.stream)).length).toBe(0);
		});

		it('streams an upload larger than 5 MB in and out intact', async () => {
			const data = randomBytes(6 * 1024 * 1024 + 12345);
			const k = key('big.bin');

			const stored = await storage.put(k, chunked(data), { contentType: 'video/mp4' });
			expect(stored).toEqual({ key: k, size: data.length });

			const file = await storage.get(k);
			expect(file.size).toBe(data.length);
			expect(file.contentType).toBe('video/mp4');
			expect(sha256(await readAll(file.stream))).toBe(sha256(data));
		});

		it('stores a file of this machine with putFile, and refuses one too large', async () => {
			const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'cf-put-file-'));
			try {
				const data = randomBytes(2 * 1024 * 1024 + 77);
				const source = path.join(folder, 'upload');
				await fs.writeFile(source, data);
				const k = key('from-disk.jpg');
				expect(
					await storage.putFile(k, source, { contentType: 'image/jpeg', size: data.length })
				).toEqual({ key: k, size: data.length });
				const file = await storage.get(k);
				expect(file.contentType).toBe('image/jpeg');
				expect(sha256(await readAll(file.stream))).toBe(sha256(data));

				const huge = path.join(folder, 'huge');
				await fs.writeFile(huge, Buffer.alloc(CONTRACT_MAX_BYTES + 1));
				const refused = key('huge-from-disk.bin');
				await expectAppError(
					storage.putFile(refused, huge, { contentType: 'x/y' }),
					'PAYLOAD_TOO_LARGE'
				);
				await expectAppError(
					storage.putFile(refused, source, { contentType: 'x/y', size: data.length - 1 }),
					'BAD_REQUEST'
				);
				expect(await storage.exists(refused)).toBe(false);
			} finally {
				await fs.rm(folder, { recursive: true, force: true });
			}
		});

		it('accepts a stream with a matching declared size, and string chunks', async () => {
			const k = key('text.txt');
			const stream = Readable.from(['hello ', 'wörld'], { objectMode: true });
			const size = Buffer.byteLength('hello wörld');
			expect(
				await storage.put(k, stream, { contentType: 'text/plain; charset=utf-8', size })
			).toEqual({ key: k, size });
			expect((await readAll((await storage.get(k)).stream)).toString()).toBe('hello wörld');
		});

		it('reports stat and exists', async () => {
			const k = key('a/b/c/report.pdf');
			const before = Date.now();
			await storage.put(k, Buffer.from('%PDF-1.7'), { contentType: 'application/pdf' });

			const info = await storage.stat(k);
			expect(info).toMatchObject({ key: k, size: 8, contentType: 'application/pdf' });
			expect(info.lastModified).toBeInstanceOf(Date);
			// S3 keeps whole seconds only.
			expect(info.lastModified.getTime()).toBeGreaterThanOrEqual(before - 2000);
			expect(info.lastModified.getTime()).toBeLessThanOrEqual(Date.now() + 2000);

			expect(await storage.exists(k)).toBe(true);
			expect(await storage.exists(key('nothing-here'))).toBe(false);
			// A "folder" of stored files is not itself a file.
			expect(await storage.exists(k.split('/').slice(0, 3).join('/'))).toBe(false);
		});

		it('replaces a file and its content type on a second put', async () => {
			const k = key('replaced');
			await storage.put(k, Buffer.from('first version'), { contentType: 'text/plain' });
			await storage.put(k, Buffer.from('<b>2</b>'), { contentType: 'text/html' });
			const file = await storage.get(k);
			expect(file.contentType).toBe('text/html');
			expect((await readAll(file.stream)).toString()).toBe('<b>2</b>');
		});

		it('deletes, and deleting again or deleting nothing succeeds', async () => {
			const k = key('gone.txt');
			await storage.put(k, Buffer.from('bye'), { contentType: 'text/plain' });
			await storage.delete(k);
			expect(await storage.exists(k)).toBe(false);
			await expectAppError(storage.get(k), 'NOT_FOUND');
			await storage.delete(k);
			await storage.delete(key('never-existed'));
		});

		it('answers NOT_FOUND for missing files', async () => {
			const k = key('missing.bin');
			await expectAppError(storage.get(k), 'NOT_FOUND');
			await expectAppError(storage.stat(k), 'NOT_FOUND');
			await expectAppError(storage.downloadResponse(k, { filename: 'x' }), 'NOT_FOUND');
		});

		it('rejects bad keys with BAD_REQUEST in every operation', async () => {
			const data = Buffer.from('x');
			for (const bad of BAD_KEYS) {
				await expectAppError(storage.put(bad, data, { contentType: 'text/plain' }), 'BAD_REQUEST');
				await expectAppError(storage.get(bad), 'BAD_REQUEST');
				await expectAppError(storage.stat(bad), 'BAD_REQUEST');
				await expectAppError(storage.exists(bad), 'BAD_REQUEST');
				await expectAppError(storage.delete(bad), 'BAD_REQUEST');
				await expectAppError(storage.downloadResponse(bad, { filename: 'x' }), 'BAD_REQUEST');
				await expectAppError(storage.signedUrl(bad, 60), 'BAD_REQUEST');
			}
			// A refused stream is destroyed, so its producer (an HTTP upload) is not left hanging.
			const stream = chunked(Buffer.alloc(1024));
			await expectAppError(
				storage.put('../x', stream, { contentType: 'text/plain' }),
				'BAD_REQUEST'
			);
			expect(stream.destroyed).toBe(true);
		});

		it('accepts keys made of the allowed characters', async () => {
			for (const good of ['plain', 'a.b.c', 'A-Z_0-9/x-y_z.tar.gz', 'x'.repeat(200)]) {
				const k = `${key('ok')}/${good}`;
				await storage.put(k, Buffer.from(good), { contentType: 'text/plain' });
				expect((await readAll((await storage.get(k)).stream)).toString()).toBe(good);
			}
		});

		it('rejects content types that could inject headers', async () => {
			for (const contentType of ['text/html\r\nset-cookie: a=b', 'nonsense', '', 'a/b; c']) {
				await expectAppError(
					storage.put(key('type'), Buffer.from('x'), { contentType }),
					'BAD_REQUEST'
				);
			}
		});

		it('refuses files over the size limit and stores nothing', async () => {
			const k = key('huge.bin');
			const tooBig = Buffer.alloc(CONTRACT_MAX_BYTES + 1);
			await expectAppError(storage.put(k, tooBig, { contentType: 'x/y' }), 'PAYLOAD_TOO_LARGE');
			await expectAppError(
				storage.put(k, Buffer.alloc(1), { contentType: 'x/y', size: CONTRACT_MAX_BYTES + 1 }),
				'PAYLOAD_TOO_LARGE'
			);
			await expectAppError(
				storage.put(k, chunked(tooBig), { contentType: 'x/y' }),
				'PAYLOAD_TOO_LARGE'
			);
			expect(await storage.exists(k)).toBe(false);
		});

		it('keeps the old file when a replacing upload fails', async () => {
			const k = key('kept.txt');
			await storage.put(k, Buffer.from('original'), { contentType: 'text/plain' });
			await expect(
				storage.put(k, failingAfter(6 * 1024 * 1024), { contentType: 'text/html' })
			).rejects.toThrow('connection reset by peer');
			await expectAppError(
				storage.put(k, chunked(Buffer.alloc(CONTRACT_MAX_BYTES + 1)), { contentType: 'x/y' }),
				'PAYLOAD_TOO_LARGE'
			);
			const file = await storage.get(k);
			expect(file.contentType).toBe('text/plain');
			expect((await readAll(file.stream)).toString()).toBe('original');
		});

		it('stores nothing when the upload stream fails or has the wrong declared size', async () => {
			const k = key('broken.bin');
			await expect(storage.put(k, failingAfter(1024), { contentType: 'x/y' })).rejects.toThrow(
				'connection reset by peer'
			);
			await expectAppError(
				storage.put(k, chunked(Buffer.alloc(100)), { contentType: 'x/y', size: 99 }),
				'BAD_REQUEST'
			);
			await expectAppError(
				storage.put(k, Buffer.alloc(100), { contentType: 'x/y', size: 101 }),
				'BAD_REQUEST'
			);
			expect(await storage.exists(k)).toBe(false);
		});

		it('builds a streamed download response with RFC 5987 file names', async () => {
			const data = randomBytes(70_000);
			const k = key('download.pdf');
			await storage.put(k, data, { contentType: 'application/pdf' });

			const response = await storage.downloadResponse(k, {
				filename: 'Bericht über Q3 "final" (v2).pdf',
				disposition: 'attachment'
			});
			expect(response.status).toBe(200);
			expect(response.headers.get('content-type')).toBe('application/pdf');
			expect(response.headers.get('content-length')).toBe(String(data.length));
			expect(response.headers.get('x-content-type-options')).toBe('nosniff');
			expect(response.headers.get('content-disposition')).toBe(
				`attachment; filename="Bericht _ber Q3 _final_ (v2).pdf"; ` +
					`filename*=UTF-8''Bericht%20%C3%BCber%20Q3%20%22final%22%20%28v2%29.pdf`
			);
			expect(Buffer.compare(Buffer.from(await response.arrayBuffer()), data)).toBe(0);
		});

		it('serves inline only types that cannot run script', async () => {
			const png = key('pic.png');
			const html = key('page.html');
			await storage.put(png, Buffer.from('png'), { contentType: 'image/png' });
			await storage.put(html, Buffer.from('<script>1</script>'), { contentType: 'text/html' });

			const inline = await storage.downloadResponse(png, {
				filename: 'pic.png',
				disposition: 'inline'
			});
			expect(inline.headers.get('content-disposition')).toMatch(/^inline; filename="pic.png"/);
			await inline.body?.cancel();

			const forced = await storage.downloadResponse(html, {
				filename: 'page.html',
				disposition: 'inline'
			});
			expect(forced.headers.get('content-disposition')).toMatch(/^attachment; /);
			expect(await forced.text()).toBe('<script>1</script>');
		});

		it('rejects signed URL lifetimes outside 1 s to 7 days', async () => {
			const k = key('signed.txt');
			for (const seconds of [0, -1, 1.5, 8 * 24 * 3600]) {
				await expectAppError(storage.signedUrl(k, seconds), 'BAD_REQUEST');
			}
		});
	});
}
