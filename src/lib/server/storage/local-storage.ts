import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fs, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { pipeline as pipe, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError, notFound } from '../errors.ts';
import {
	buildDownloadResponse,
	ByteCounter,
	checkBuffer,
	checkExpiry,
	checkPut,
	DEFAULT_CONTENT_TYPE,
	META_SUFFIX,
	sizeMismatch,
	tooLarge,
	validateContentType,
	validateKey
} from './common.ts';
import type {
	DownloadOptions,
	FileInfo,
	FileStorage,
	FileStream,
	PutMeta,
	StoredFile
} from './storage.ts';
import {
	checkHeader,
	DecryptStream,
	EncryptStream,
	encryptBuffer,
	fileDamaged,
	HEADER_BYTES,
	plaintextSize,
	type FilesKey
} from './file-encryption.ts';
import { RequestProcess } from '../threads/request-process.ts';
import type { EncryptFileRequest } from './file-cipher.entry.ts';

/** The process that encrypts files of this machine into the folder (file-cipher.entry.ts). */
export type FileCipherProcess = RequestProcess<EncryptFileRequest, null>;

/**
 * Node flags of the file cipher process, after the server's own: it streams in 256 KiB reads, so
 * a small heap is plenty, and keeps its garbage from piling up.
 */
export const FILE_CIPHER_PROCESS_FLAGS: readonly string[] = [
	'--max-old-space-size=32',
	'--max-semi-space-size=2'
];

const FILE_CIPHER_ENTRY = new URL('./file-cipher.entry.ts', import.meta.url);

function fileCipherProcess(master: FilesKey): FileCipherProcess {
	return new RequestProcess(FILE_CIPHER_ENTRY, {
		name: 'file cipher',
		init: { key: master.key },
		nodeFlags: FILE_CIPHER_PROCESS_FLAGS
	});
}

export interface LocalStorageOptions {
	/** Folder holding the files; created on first write. */
	root: string;
	maxBytes: number;
	/**
	 * Encrypts every file written from now on with this key (file-encryption.ts). Files written
	 * before, without it, still read: their sidecar says they are not encrypted.
	 */
	encryption?: FilesKey;
}

interface Sidecar {
	contentType: string;
	/** The encryption format's version; absent for a file stored in plain bytes. */
	encrypted?: number;
}

/**
 * Files in a folder: `<root>/<key>` holds the bytes and `<root>/<key>.meta.json` the content type.
 * Uploads are written to `<root>/.tmp` and renamed into place, so a reader sees the old file or the
 * new one, never a partial one, and a crash leaves only temp files behind.
 */
export class LocalStorage implements FileStorage {
	readonly kind = 'local' as const;
	readonly root: string;
	readonly maxBytes: number;
	readonly encryption: FilesKey | undefined;
	/** Encrypts `putFile`'s files, when this storage encrypts; started at its first file. */
	readonly cipher: FileCipherProcess | null;
	readonly #tmpDir: string;

	/** `cipher`: the process of the storage this one is derived from (withMaxBytes). */
	constructor(options: LocalStorageOptions, cipher?: FileCipherProcess | null) {
		this.root = path.resolve(options.root);
		this.maxBytes = options.maxBytes;
		this.encryption = options.encryption;
		this.cipher = cipher ?? (options.encryption ? fileCipherProcess(options.encryption) : null);
		this.#tmpDir = path.join(this.root, '.tmp');
	}

	withMaxBytes(maxBytes: number): LocalStorage {
		return new LocalStorage(
			{ root: this.root, maxBytes, encryption: this.encryption },
			this.cipher
		);
	}

	async put(key: string, data: Readable | Uint8Array, meta: PutMeta): Promise<StoredFile> {
		try {
			return await this.#write(key, meta, async (tmp) => {
				if (data instanceof Uint8Array) {
					checkBuffer(data, meta, this.maxBytes);
					const bytes = this.encryption ? encryptBuffer(this.encryption, data) : data;
					await fs.writeFile(tmp, bytes, { flush: true });
					return data.byteLength;
				}
				const counter = new ByteCounter(this.maxBytes);
				await pipeline(
					data,
					counter,
					...this.#encrypting(),
					createWriteStream(tmp, { flush: true })
				);
				return counter.bytes;
			});
		} catch (error) {
			// An unread or half-read source would otherwise hold its producer (an HTTP upload) open.
			if (!(data instanceof Uint8Array) && !data.destroyed) data.destroy();
			throw error;
		}
	}

	/**
	 * A file of this machine never passes through the event loop that serves the sockets: it is
	 * copied by the file system (`copyFile`, on libuv's threads) or, encrypted, by the file cipher
	 * thread at nice 19. On that loop its bytes cost the reads, the cipher and the writes, and
	 * their buffers bring on collections of its heap (bench scenario 9: uploads of photos).
	 */
	async putFile(key: string, file: string, meta: PutMeta): Promise<StoredFile> {
		return this.#write(key, meta, async (tmp) => {
			const { size } = await fs.stat(file);
			if (size > this.maxBytes) throw tooLarge(this.maxBytes);
			if (this.cipher) {
				await this.cipher.ask({ source: file, target: tmp });
				return size;
			}
			await fs.copyFile(file, tmp);
			const handle = await fs.open(tmp, 'r+');
			await handle.sync().finally(() => handle.close());
			return size;
		});
	}

	/**
	 * Writes the bytes to a temp file (`writeBytes`, which gives their count), then its content
	 * type beside it, then renames both into place; on any failure nothing is left.
	 */
	async #write(
		key: string,
		meta: PutMeta,
		writeBytes: (tmp: string) => Promise<number>
	): Promise<StoredFile> {
		// Same file system as the target, which is what makes the rename atomic.
		const tmp = path.join(this.#tmpDir, randomUUID());
		const tmpMeta = tmp + META_SUFFIX;
		try {
			checkPut(key, meta, this.maxBytes);
			const target = this.#path(key);
			await fs.mkdir(this.#tmpDir, { recursive: true });
			const size = await writeBytes(tmp);
			if (meta.size !== undefined && meta.size !== size) throw sizeMismatch(meta.size, size);
			const sidecar: Sidecar = this.encryption
				? { contentType: meta.contentType, encrypted: 1 }
				: { contentType: meta.contentType };
			await fs.writeFile(tmpMeta, JSON.stringify(sidecar), { flush: true });
			await fs.mkdir(path.dirname(target), { recursive: true });
			if ((await fs.stat(target).catch(() => null))?.isDirectory()) throw keyConflict(key);
			// The bytes are renamed last: the file exists only once its content type is in place.
			await fs.rename(tmpMeta, target + META_SUFFIX);
			await fs.rename(tmp, target);
			return { key, size };
		} catch (error) {
			await Promise.all([fs.rm(tmp, { force: true }), fs.rm(tmpMeta, { force: true })]);
			if (hasCode(error, 'ENOTDIR', 'EEXIST', 'EISDIR')) throw keyConflict(key);
			throw error;
		}
	}

	async get(key: string): Promise<FileStream> {
		const file = this.#path(key);
		let handle: FileHandle;
		try {
			handle = await fs.open(file, 'r');
		} catch (error) {
			throw missingOr(error, key);
		}
		try {
			// Size from the open handle, so a concurrent replace cannot make it disagree with the bytes.
			const info = await handle.stat();
			if (!info.isFile()) throw missing(key);
			const sidecar = await this.#sidecar(file);
			if (!sidecar.encrypted) {
				return {
					stream: handle.createReadStream(),
					size: info.size,
					contentType: sidecar.contentType
				};
			}
			const master = this.#keyFor(key);
			// The header is checked before anything is answered: a wrong key is an error, not a
			// download that breaks off.
			const header = Buffer.alloc(HEADER_BYTES);
			const { bytesRead } = await handle.read(header, 0, HEADER_BYTES, 0);
			checkHeader(header.subarray(0, bytesRead), master);
			const stream = pipe(
				handle.createReadStream({ start: 0 }),
				new DecryptStream(master),
				() => {}
			);
			return { stream, size: plaintextSize(info.size), contentType: sidecar.contentType };
		} catch (error) {
			await handle.close();
			throw error;
		}
	}

	async stat(key: string): Promise<FileInfo> {
		const file = this.#path(key);
		const info = await fs.stat(file).catch((error: unknown) => {
			throw missingOr(error, key);
		});
		if (!info.isFile()) throw missing(key);
		const sidecar = await this.#sidecar(file);
		return {
			key,
			size: sidecar.encrypted ? plaintextSize(info.size) : info.size,
			contentType: sidecar.contentType,
			lastModified: info.mtime
		};
	}

	async delete(key: string): Promise<void> {
		const file = this.#path(key);
		await ignoreMissing(fs.unlink(file));
		await ignoreMissing(fs.unlink(file + META_SUFFIX));
	}

	async exists(key: string): Promise<boolean> {
		const file = this.#path(key);
		try {
			return (await fs.stat(file)).isFile();
		} catch (error) {
			if (hasCode(error, 'ENOENT', 'ENOTDIR')) return false;
			throw error;
		}
	}

	async downloadResponse(key: string, options: DownloadOptions): Promise<Response> {
		return buildDownloadResponse(await this.get(key), options);
	}

	async signedUrl(key: string, expirySeconds: number): Promise<string | null> {
		validateKey(key);
		checkExpiry(expirySeconds);
		return null;
	}

	#path(key: string): string {
		validateKey(key);
		const full = path.join(this.root, key);
		// validateKey already rules this out; the check stays in case those rules are ever loosened.
		if (!full.startsWith(this.root + path.sep)) {
			throw new AppError('BAD_REQUEST', 'Invalid file key.');
		}
		return full;
	}

	/** The stages that encrypt what is written, when this storage encrypts. */
	#encrypting(): EncryptStream[] {
		return this.encryption ? [new EncryptStream(this.encryption)] : [];
	}

	#keyFor(key: string): FilesKey {
		if (!this.encryption) {
			throw new AppError(
				'FILE_KEY_MISMATCH',
				'This file is encrypted and the storage has no key for it.',
				{ details: { key } }
			);
		}
		return this.encryption;
	}

	async #sidecar(file: string): Promise<Sidecar> {
		let sidecar: Partial<Sidecar>;
		try {
			sidecar = JSON.parse(await fs.readFile(file + META_SUFFIX, 'utf8')) as Partial<Sidecar>;
		} catch {
			// A file copied in by hand, or a damaged sidecar: still downloadable, as opaque bytes.
			return { contentType: DEFAULT_CONTENT_TYPE };
		}
		let contentType = DEFAULT_CONTENT_TYPE;
		try {
			contentType = validateContentType(sidecar.contentType ?? DEFAULT_CONTENT_TYPE);
		} catch {
			// An unusable type: the bytes are still served, as opaque ones.
		}
		if (sidecar.encrypted === undefined) return { contentType };
		if (sidecar.encrypted !== 1) throw fileDamaged('its sidecar names an unknown encryption');
		return { contentType, encrypted: 1 };
	}
}

function hasCode(error: unknown, ...codes: string[]): boolean {
	const code = (error as { code?: unknown } | null)?.code;
	return typeof code === 'string' && codes.includes(code);
}

function missing(key: string): AppError {
	return notFound(`File ${key}`);
}

function missingOr(error: unknown, key: string): unknown {
	return hasCode(error, 'ENOENT', 'ENOTDIR', 'EISDIR') ? missing(key) : error;
}

function keyConflict(key: string): AppError {
	return new AppError('CONFLICT', 'A file key cannot also be the folder of other files.', {
		details: { key }
	});
}

async function ignoreMissing(operation: Promise<void>): Promise<void> {
	try {
		await operation;
	} catch (error) {
		// EISDIR: the key names a folder of other files, which is not a stored file either.
		if (!hasCode(error, 'ENOENT', 'ENOTDIR', 'EISDIR')) throw error;
	}
}
