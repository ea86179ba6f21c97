import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileTypeFromFile } from 'file-type';
import type { ContentSource } from './file-content.ts';
import type { ReceivePace } from './receive-pace.ts';

/** How much of an upload is gathered before it is written. */
const SPOOL_WRITE_BYTES = 1024 * 1024;

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
	 * removes what it wrote and throws `tooLarge()` (the body is cancelled: the client's upload
	 * is not read to its end). The request's chunks (some 64 KiB each) are written a megabyte at
	 * a time with one `writev`, without copying them: a tenth of the writes handed to libuv's
	 * threads, each of which costs the event loop the same whatever its size.
	 */
	static async receive(
		body: ReadableStream<Uint8Array> | null,
		folder: string,
		maxBytes: number,
		tooLarge: () => Error,
		pace?: ReceivePace
	): Promise<UploadSpool> {
		await fs.mkdir(folder, { recursive: true });
		const file = path.join(folder, randomUUID());
		const handle = await fs.open(file, 'w');
		let size = 0;
		try {
			let pending: Uint8Array[] = [];
			let pendingBytes = 0;
			for await (const chunk of body ?? []) {
				size += chunk.byteLength;
				if (size > maxBytes) throw tooLarge();
				pending.push(chunk);
				pendingBytes += chunk.byteLength;
				if (pendingBytes >= SPOOL_WRITE_BYTES) {
					await handle.writev(pending);
					// The next megabyte is read when the process's pace allows it.
					await pace?.take(pendingBytes);
					pending = [];
					pendingBytes = 0;
				}
			}
			if (pending.length > 0) await handle.writev(pending);
			await handle.close();
		} catch (error) {
			await handle.close().catch(() => undefined);
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
