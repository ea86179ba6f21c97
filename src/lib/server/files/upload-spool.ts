import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileTypeFromFile } from 'file-type';
import type { ContentSource } from './file-content.ts';

/**
 * An upload on disk while it is checked: written as it arrives, never held whole in memory, so
 * that uploads of megabytes do not pass through the JavaScript heap of the process that serves
 * the sockets (its garbage collection would pause delivery). The image process reads it and
 * writes its results beside it (`<path>.original`, `.thumbnail`, `.preview`); `remove` takes
 * them all.
 */
export class UploadSpool {
	readonly path: string;
	readonly size: number;

	private constructor(file: string, size: number) {
		this.path = file;
		this.size = size;
	}

	/**
	 * Writes `body` to a new file of `folder`, counting its bytes; past `maxBytes` it stops,
	 * removes what it wrote and throws `tooLarge()`.
	 */
	static async receive(
		body: ReadableStream<Uint8Array> | null,
		folder: string,
		maxBytes: number,
		tooLarge: () => Error
	): Promise<UploadSpool> {
		await fs.mkdir(folder, { recursive: true });
		const file = path.join(folder, randomUUID());
		let size = 0;
		const counter = new Transform({
			transform(chunk: Buffer, _encoding, done: TransformCallback) {
				size += chunk.byteLength;
				if (size > maxBytes) done(tooLarge());
				else done(null, chunk);
			}
		});
		try {
			const source = body ? Readable.fromWeb(body as never) : Readable.from([]);
			await pipeline(source, counter, createWriteStream(file));
		} catch (error) {
			await fs.rm(file, { force: true });
			throw error;
		}
		return new UploadSpool(file, size);
	}

	/** The upload as the content check reads it. */
	content(): ContentSource {
		return {
			size: this.size,
			sniff: () => fileTypeFromFile(this.path),
			bytes: async () => new Uint8Array(await fs.readFile(this.path))
		};
	}

	async remove(): Promise<void> {
		const suffixes = ['', '.original', '.thumbnail', '.preview'];
		await Promise.all(suffixes.map((suffix) => fs.rm(this.path + suffix, { force: true })));
	}
}

/** Where this process spools uploads (one folder per process, under the system's temp). */
export function spoolFolder(): string {
	return path.join(os.tmpdir(), `connectflow-uploads-${process.pid}`);
}
