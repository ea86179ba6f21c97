import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import tar from 'tar-stream';

/**
 * A backup is one gzipped tar file (tar-stream, the tar writer archiver itself uses, and
 * node:zlib): entries are streamed in and out one after the other, so neither a database dump
 * nor the files are ever held whole in memory here.
 */
export interface ArchiveWriter {
	addBytes(name: string, bytes: Uint8Array): Promise<void>;
	/** Streams an open file in: its size is taken from the handle, which it closes. */
	addHandle(name: string, handle: FileHandle): Promise<number>;
	finish(): Promise<void>;
}

export function writeArchive(file: string): ArchiveWriter {
	const pack = tar.pack();
	const written = pipeline(pack, createGzip(), createWriteStream(file));
	// Seen by finish(); an early failure (a full disk) must not go unhandled until then.
	written.catch(() => {});
	const mtime = new Date();

	const entry = (name: string, size: number) => {
		let done!: Promise<void>;
		const sink = (() => {
			let resolve!: () => void;
			let reject!: (error: Error) => void;
			done = new Promise<void>((yes, no) => ([resolve, reject] = [yes, no]));
			return pack.entry({ name, size, mode: 0o600, mtime }, (error) =>
				error ? reject(error) : resolve()
			);
		})();
		return { sink, done };
	};

	return {
		async addBytes(name, bytes) {
			const { sink, done } = entry(name, bytes.byteLength);
			sink.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
			await done;
		},
		async addHandle(name, handle) {
			try {
				const { size } = await handle.stat();
				const { sink, done } = entry(name, size);
				// Exactly `size` bytes: a file is never changed in place (storage renames new
				// files into place), and an open handle keeps a replaced file's bytes readable.
				const source = handle.createReadStream({
					start: 0,
					end: Math.max(0, size - 1),
					autoClose: false
				});
				if (size > 0) {
					for await (const chunk of source as AsyncIterable<Buffer>) {
						if (!sink.write(chunk)) await once(sink, 'drain');
					}
				} else {
					source.destroy();
				}
				sink.end(Buffer.alloc(0));
				await done;
				return size;
			} finally {
				await handle.close();
			}
		},
		async finish() {
			pack.finalize();
			await written;
		}
	};
}

export interface ArchiveEntry {
	name: string;
	size: number;
	stream: Readable;
}

/**
 * The entries of an archive in order; each entry's stream must be read (or drained) before the
 * next one comes.
 */
export async function* readArchive(file: string): AsyncGenerator<ArchiveEntry> {
	const extract = tar.extract();
	const gunzip = createGunzip();
	const source = createReadStream(file);
	source.on('error', (error) => extract.destroy(error));
	gunzip.on('error', (error) => extract.destroy(error));
	source.pipe(gunzip).pipe(extract as unknown as NodeJS.WritableStream);
	for await (const entry of extract) {
		if (entry.header.type !== 'file') {
			entry.resume();
			continue;
		}
		yield {
			name: entry.header.name,
			size: entry.header.size,
			stream: entry as unknown as Readable
		};
	}
}
