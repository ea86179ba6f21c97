import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UploadSpool } from './upload-spool.ts';

/** A request body as SvelteKit hands it over: chunks of `chunkBytes`, counting what was read. */
function body(bytes: Buffer, chunkBytes: number) {
	const read = { chunks: 0, cancelled: false };
	let offset = 0;
	const stream = new ReadableStream<Uint8Array>({
		pull(controller) {
			if (offset >= bytes.length) return controller.close();
			controller.enqueue(new Uint8Array(bytes.subarray(offset, offset + chunkBytes)));
			offset += chunkBytes;
			read.chunks++;
		},
		cancel() {
			read.cancelled = true;
		}
	});
	return { stream, read };
}

describe('an upload spooled to disk', () => {
	let folder: string;
	const tooLarge = () => new Error('too large');

	beforeAll(async () => {
		folder = await fs.mkdtemp(path.join(os.tmpdir(), 'cf-spool-'));
	});
	afterAll(() => fs.rm(folder, { recursive: true, force: true }));

	it('keeps every byte of uploads smaller and larger than one write, in order', async () => {
		for (const size of [0, 1, 65_536, 1024 * 1024 - 1, 3 * 1024 * 1024 + 12_345]) {
			const bytes = randomBytes(size);
			const spool = await UploadSpool.receive(
				body(bytes, 65_536).stream,
				folder,
				4 << 20,
				tooLarge
			);
			expect(spool.size, `${size}`).toBe(size);
			expect((await fs.readFile(spool.path)).equals(bytes), `${size}`).toBe(true);
			await spool.remove();
		}
		const empty = await UploadSpool.receive(null, folder, 10, tooLarge);
		expect(empty.size).toBe(0);
		await empty.remove();
		expect(await fs.readdir(folder)).toEqual([]);
	});

	it('stops at the limit: the error, no file left, the rest of the body not read', async () => {
		const { stream, read } = body(randomBytes(8 * 1024 * 1024), 65_536);
		await expect(UploadSpool.receive(stream, folder, 2 * 1024 * 1024, tooLarge)).rejects.toThrow(
			'too large'
		);
		expect(read.cancelled).toBe(true);
		expect(read.chunks).toBeLessThan(40);
		expect(await fs.readdir(folder)).toEqual([]);
	});
});
