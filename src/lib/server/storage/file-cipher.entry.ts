/**
 * The file cipher process's entry (see LocalStorage.putFile, a RequestProcess). Node runs it as
 * TypeScript (type stripping). It encrypts a file of this machine into another, in the format of
 * file-encryption.ts, with the master key it is started with: the bytes of uploads, previews and
 * export ZIPs then never cross the event loop that serves the sockets, nor its memory.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { serveProcessRequests } from '../threads/thread-entry.ts';
import { CHUNK_BYTES, EncryptStream, filesKey } from './file-encryption.ts';

export interface EncryptFileRequest {
	source: string;
	target: string;
}

serveProcessRequests<{ key: Uint8Array }, EncryptFileRequest, null>(({ key }) => {
	const master = filesKey(Buffer.from(key));
	return async ({ source, target }) => {
		await pipeline(
			// Reads of four chunks: a quarter of the reads, the same memory.
			createReadStream(source, { highWaterMark: 4 * CHUNK_BYTES }),
			new EncryptStream(master),
			createWriteStream(target, { flush: true })
		);
		return null;
	};
});
