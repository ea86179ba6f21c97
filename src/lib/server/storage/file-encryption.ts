import {
	createCipheriv,
	createDecipheriv,
	createHmac,
	hkdfSync,
	randomBytes,
	randomUUID,
	timingSafeEqual
} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { AppError } from '../errors.ts';
import { toBuffer } from './common.ts';

/*
 * Files at rest in the local folder, encrypted: AES-256-GCM in chunks (the STREAM construction),
 * so a file of any size is encrypted and decrypted as it streams, never whole in memory.
 *
 *   header  "CFENC" · version (1) · key id (8) · salt (16)                       = 30 bytes
 *   chunks  ciphertext of 64 KiB of plaintext · GCM tag (16), the last one shorter (0–64 KiB)
 *
 * Each file gets its own key, HKDF-SHA256(master key, salt), from a random salt: nonces are then
 * a plain chunk counter and never repeat under one key. A chunk's nonce also says whether it is
 * the last one, so a file cut at a chunk boundary fails too; the header is every chunk's
 * associated data, so a changed version, key id or salt fails. The key id (an HMAC of the master
 * key) tells a wrong key (FILE_KEY_MISMATCH) apart from damaged bytes (FILE_DAMAGED) before any
 * byte is decrypted.
 */

const MAGIC = Buffer.from('CFENC', 'latin1');
export const ENCRYPTION_VERSION = 1;
const KEY_ID_BYTES = 8;
const SALT_BYTES = 16;
export const HEADER_BYTES = MAGIC.length + 1 + KEY_ID_BYTES + SALT_BYTES;
export const CHUNK_BYTES = 64 * 1024;
const TAG_BYTES = 16;
const SEALED_CHUNK_BYTES = CHUNK_BYTES + TAG_BYTES;
const KEY_BYTES = 32;

/** The master key for files, and its id (written into every file's header). */
export interface FilesKey {
	readonly key: Buffer;
	/** 16 hex digits; names the key without revealing it (backups' manifests record it). */
	readonly id: string;
}

export function filesKey(key: Buffer): FilesKey {
	if (key.length !== KEY_BYTES) throw new Error(`A files key has ${KEY_BYTES} bytes.`);
	const id = createHmac('sha256', key)
		.update('connectflow files key id')
		.digest()
		.subarray(0, KEY_ID_BYTES);
	return { key: Buffer.from(key), id: id.toString('hex') };
}

/** FILES_ENCRYPTION_KEY: 32 bytes as 64 hex digits or as base64. */
export function parseFilesKey(text: string): FilesKey {
	const trimmed = text.trim();
	const bytes = /^[0-9a-f]{64}$/i.test(trimmed)
		? Buffer.from(trimmed, 'hex')
		: /^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)
			? Buffer.from(trimmed, 'base64')
			: null;
	if (!bytes || bytes.length !== KEY_BYTES) {
		throw new Error(
			'FILES_ENCRYPTION_KEY must be 32 bytes, written as 64 hex digits or as base64 ' +
				'(e.g. the output of `openssl rand -base64 32`).'
		);
	}
	return filesKey(bytes);
}

/** The file, in the data folder, that holds the key generated when none is configured. */
export function generatedKeyPath(dataDir: string): string {
	return path.join(dataDir, 'files.key');
}

export interface LoadedFilesKey {
	key: FilesKey;
	/** Where it came from: FILES_ENCRYPTION_KEY, or the data folder's files.key. */
	source: 'environment' | 'data folder';
	/** The key file, when it came from the data folder. */
	file?: string;
}

/**
 * The key from FILES_ENCRYPTION_KEY, or else from DATA_DIR/files.key, generated there (0600) the
 * first time, so that `npm start` needs no set-up. Several processes that start together on one
 * data folder agree on one key: it is written to a temp file and linked into place, which fails
 * for all but the first, and the others read the winner's.
 */
export function loadFilesKey(config: {
	FILES_ENCRYPTION_KEY?: string;
	dataDir: string;
}): LoadedFilesKey {
	if (config.FILES_ENCRYPTION_KEY) {
		return { key: parseFilesKey(config.FILES_ENCRYPTION_KEY), source: 'environment' };
	}
	const file = generatedKeyPath(config.dataDir);
	const read = () => ({
		key: parseFilesKey(fs.readFileSync(file, 'utf8')),
		source: 'data folder' as const,
		file
	});
	if (fs.existsSync(file)) return read();
	fs.mkdirSync(config.dataDir, { recursive: true });
	const tmp = `${file}.${randomUUID()}.tmp`;
	fs.writeFileSync(tmp, randomBytes(KEY_BYTES).toString('base64') + '\n', {
		mode: 0o600,
		flush: true
	});
	try {
		fs.linkSync(tmp, file);
	} catch (error) {
		if ((error as { code?: string }).code !== 'EEXIST') throw error;
	} finally {
		fs.rmSync(tmp, { force: true });
	}
	return read();
}

/* ---------- the format ---------- */

function fileKey(master: FilesKey, salt: Buffer): Buffer {
	return Buffer.from(hkdfSync('sha256', master.key, salt, 'connectflow file v1', KEY_BYTES));
}

function nonce(index: number, last: boolean): Buffer {
	const iv = Buffer.alloc(12);
	iv.writeUIntBE(index, 5, 6);
	iv[11] = last ? 1 : 0;
	return iv;
}

function keyMismatch(): AppError {
	return new AppError(
		'FILE_KEY_MISMATCH',
		'This file was encrypted with another key than the server has (FILES_ENCRYPTION_KEY or ' +
			'DATA_DIR/files.key).'
	);
}

export function fileDamaged(why: string): AppError {
	return new AppError('FILE_DAMAGED', `The stored file is damaged: ${why}.`);
}

/** Checks a header: throws FILE_DAMAGED if it is none, FILE_KEY_MISMATCH for another key. */
export function checkHeader(header: Buffer, master: FilesKey): void {
	if (header.length < HEADER_BYTES || !header.subarray(0, MAGIC.length).equals(MAGIC)) {
		throw fileDamaged('it has no encryption header');
	}
	if (header[MAGIC.length] !== ENCRYPTION_VERSION) {
		throw fileDamaged(`its encryption version ${header[MAGIC.length]} is unknown`);
	}
	const id = header.subarray(MAGIC.length + 1, MAGIC.length + 1 + KEY_ID_BYTES);
	if (!timingSafeEqual(id, Buffer.from(master.id, 'hex'))) throw keyMismatch();
}

/** The plaintext's length, from the length of its encrypted file. */
export function plaintextSize(encryptedSize: number): number {
	const body = encryptedSize - HEADER_BYTES;
	if (body < TAG_BYTES) throw fileDamaged('it is shorter than its header and one tag');
	const chunks = Math.ceil(body / SEALED_CHUNK_BYTES);
	return body - chunks * TAG_BYTES;
}

/** The encrypted file's length for `size` bytes of plaintext. */
export function encryptedSize(size: number): number {
	const chunks = Math.max(1, Math.ceil(size / CHUNK_BYTES));
	return HEADER_BYTES + size + chunks * TAG_BYTES;
}

/** One file's encryption: its header, then each chunk sealed in order. */
class Sealer {
	readonly header: Buffer;
	readonly #key: Buffer;
	#index = 0;

	constructor(master: FilesKey) {
		const salt = randomBytes(SALT_BYTES);
		this.header = Buffer.concat([
			MAGIC,
			Buffer.of(ENCRYPTION_VERSION),
			Buffer.from(master.id, 'hex'),
			salt
		]);
		this.#key = fileKey(master, salt);
	}

	seal(plain: Buffer, last: boolean): Buffer {
		const cipher = createCipheriv('aes-256-gcm', this.#key, nonce(this.#index++, last));
		cipher.setAAD(this.header);
		return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
	}
}

/** Encrypts a stream of plaintext into the format above. */
export class EncryptStream extends Transform {
	readonly #sealer: Sealer;
	#pending: Buffer[] = [];
	#pendingBytes = 0;
	#headerSent = false;

	constructor(master: FilesKey) {
		super();
		this.#sealer = new Sealer(master);
	}

	#push(plain: Buffer, last: boolean): void {
		if (!this.#headerSent) {
			this.push(this.#sealer.header);
			this.#headerSent = true;
		}
		this.push(this.#sealer.seal(plain, last));
	}

	override _transform(chunk: unknown, _encoding: BufferEncoding, callback: TransformCallback) {
		try {
			const bytes = toBuffer(chunk);
			this.#pending.push(bytes);
			this.#pendingBytes += bytes.length;
			// Strictly more than a chunk: the last chunk is sealed as the last one, in _flush.
			if (this.#pendingBytes > CHUNK_BYTES) {
				let all = Buffer.concat(this.#pending, this.#pendingBytes);
				while (all.length > CHUNK_BYTES) {
					this.#push(all.subarray(0, CHUNK_BYTES), false);
					all = all.subarray(CHUNK_BYTES);
				}
				this.#pending = [all];
				this.#pendingBytes = all.length;
			}
			callback();
		} catch (error) {
			callback(error as Error);
		}
	}

	override _flush(callback: TransformCallback) {
		try {
			this.#push(Buffer.concat(this.#pending, this.#pendingBytes), true);
			this.#pending = [];
			callback();
		} catch (error) {
			callback(error as Error);
		}
	}
}

/** Encrypts bytes in memory (a `put` of a buffer), in the same format. */
export function encryptBuffer(master: FilesKey, plain: Uint8Array): Buffer {
	const sealer = new Sealer(master);
	const bytes = toBuffer(plain);
	const out = [sealer.header];
	let offset = 0;
	while (bytes.length - offset > CHUNK_BYTES) {
		out.push(sealer.seal(bytes.subarray(offset, offset + CHUNK_BYTES), false));
		offset += CHUNK_BYTES;
	}
	out.push(sealer.seal(bytes.subarray(offset), true));
	return Buffer.concat(out);
}

/** Decrypts the format above; fails with FILE_KEY_MISMATCH or FILE_DAMAGED (AppError). */
export class DecryptStream extends Transform {
	readonly #master: FilesKey;
	#key: Buffer | null = null;
	#header: Buffer | null = null;
	#index = 0;
	#buffer: Buffer = Buffer.alloc(0);

	constructor(master: FilesKey) {
		super();
		this.#master = master;
	}

	#open(sealed: Buffer, last: boolean): void {
		const decipher = createDecipheriv('aes-256-gcm', this.#key!, nonce(this.#index++, last));
		decipher.setAAD(this.#header!);
		decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
		const plain = decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES));
		try {
			decipher.final();
		} catch {
			throw fileDamaged(`chunk ${this.#index - 1} does not authenticate`);
		}
		if (plain.length > 0) this.push(plain);
	}

	override _transform(chunk: unknown, _encoding: BufferEncoding, callback: TransformCallback) {
		try {
			this.#buffer = Buffer.concat([this.#buffer, toBuffer(chunk)]);
			if (!this.#header) {
				if (this.#buffer.length < HEADER_BYTES) return callback();
				const header = Buffer.from(this.#buffer.subarray(0, HEADER_BYTES));
				checkHeader(header, this.#master);
				this.#header = header;
				this.#key = fileKey(this.#master, header.subarray(HEADER_BYTES - SALT_BYTES));
				this.#buffer = this.#buffer.subarray(HEADER_BYTES);
			}
			// A full chunk followed by more is not the last one.
			while (this.#buffer.length > SEALED_CHUNK_BYTES) {
				this.#open(this.#buffer.subarray(0, SEALED_CHUNK_BYTES), false);
				this.#buffer = this.#buffer.subarray(SEALED_CHUNK_BYTES);
			}
			callback();
		} catch (error) {
			callback(error as Error);
		}
	}

	override _flush(callback: TransformCallback) {
		try {
			if (!this.#header) throw fileDamaged('it has no encryption header');
			if (this.#buffer.length < TAG_BYTES) throw fileDamaged('it is cut short');
			this.#open(this.#buffer, true);
			callback();
		} catch (error) {
			callback(error as Error);
		}
	}
}
