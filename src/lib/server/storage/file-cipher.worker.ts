/**
 * The file cipher thread's entry (see LocalStorage.putFile). Node runs it as TypeScript (type
 * stripping). It encrypts a file of this machine into another, in the format of
 * file-encryption.ts, with the master key it is started with: the bytes of uploads, previews and
 * export ZIPs then never cross the event loop that serves the sockets, nor its heap.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { workerData } from 'node:worker_threads';
import { serveRequests } from '../threads/thread-entry.ts';
import { CHUNK_BYTES, EncryptStream, filesKey } from './file-encryption.ts';

export interface EncryptFileRequest {
	source: string;
	target: string;
}

const master = filesKey(Buffer.from((workerData as { key: Uint8Array }).key));

serveRequests<EncryptFileRequest, null>(async ({ source, target }) => {
	await pipeline(
		// Reads of four chunks: a quarter of the reads, the same memory.
		createReadStream(source, { highWaterMark: 4 * CHUNK_BYTES }),
		new EncryptStream(master),
		createWriteStream(target, { flush: true })
	);
	return null;
});
