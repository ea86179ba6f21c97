import { Readable, Transform, type TransformCallback } from 'node:stream';
import { AppError } from '../errors.ts';
import type { Disposition, DownloadOptions, FileStream, PutMeta } from './storage.ts';

/*
 * Rules shared by both implementations, so that a key, a type or a size that works against the
 * local folder behaves the same against S3.
 */

export const MAX_KEY_LENGTH = 512;
export const META_SUFFIX = '.meta.json';
export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';
export const MAX_SIGNED_URL_SECONDS = 7 * 24 * 60 * 60;

const KEY_SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;

/**
 * Keys are `/`-separated segments of `[A-Za-z0-9_.-]`. A segment may not start with a dot (which
 * rules out `.` and `..`, and keeps the local store's own `.tmp` folder out of reach), and a key
 * may not end in `.meta.json` (the local store's sidecar files).
 */
export function validateKey(key: string): string {
	const valid =
		typeof key === 'string' &&
		key.length > 0 &&
		key.length <= MAX_KEY_LENGTH &&
		key.split('/').every((segment) => KEY_SEGMENT.test(segment)) &&
		!key.endsWith(META_SUFFIX);
	if (!valid) {
		throw new AppError('BAD_REQUEST', 'Invalid file key.', { details: { key: String(key) } });
	}
	return key;
}

const CONTENT_TYPE =
	/^[\w!#$%&'*+.^`|~-]+\/[\w!#$%&'*+.^`|~-]+(\s*;\s*[\w!#$%&'*+.^`|~-]+=([\w!#$%&'*+.^`|~-]+|"[\x20\x21\x23-\x5b\x5d-\x7e]*"))*$/;

/** The type ends up in a response header, so anything that is not a plain media type is refused. */
export function validateContentType(contentType: string): string {
	if (
		typeof contentType !== 'string' ||
		contentType.length > 255 ||
		!CONTENT_TYPE.test(contentType)
	) {
		throw new AppError('BAD_REQUEST', 'Invalid content type.');
	}
	return contentType;
}

export function tooLarge(maxBytes: number): AppError {
	const mb = Math.round((maxBytes / 1024 / 1024) * 10) / 10;
	return new AppError('PAYLOAD_TOO_LARGE', `Files may be at most ${mb} MB.`, {
		details: { maxBytes }
	});
}

export function sizeMismatch(declared: number, actual: number): AppError {
	return new AppError('BAD_REQUEST', 'The upload does not have the declared size.', {
		details: { declared, actual }
	});
}

/** Checks what can be checked before any byte is read. */
export function checkPut(key: string, meta: PutMeta, maxBytes: number): void {
	validateKey(key);
	validateContentType(meta.contentType);
	if (meta.size !== undefined) {
		if (!Number.isSafeInteger(meta.size) || meta.size < 0) {
			throw new AppError('BAD_REQUEST', 'Invalid file size.');
		}
		if (meta.size > maxBytes) throw tooLarge(maxBytes);
	}
}

export function checkBuffer(data: Uint8Array, meta: PutMeta, maxBytes: number): void {
	if (data.byteLength > maxBytes) throw tooLarge(maxBytes);
	if (meta.size !== undefined && meta.size !== data.byteLength) {
		throw sizeMismatch(meta.size, data.byteLength);
	}
}

/**
 * Passes bytes through and fails as soon as more than `maxBytes` went by, so an oversized upload
 * is cut off instead of being written out in full first.
 */
export class ByteCounter extends Transform {
	bytes = 0;
	readonly maxBytes: number;

	constructor(maxBytes: number) {
		super();
		this.maxBytes = maxBytes;
	}

	override _transform(chunk: unknown, _encoding: BufferEncoding, callback: TransformCallback) {
		let bytes: Buffer;
		try {
			bytes = toBuffer(chunk);
		} catch (error) {
			callback(error as Error);
			return;
		}
		this.bytes += bytes.length;
		if (this.bytes > this.maxBytes) callback(tooLarge(this.maxBytes));
		else callback(null, bytes);
	}
}

/** A Readable may yield strings (or anything, in object mode); storage deals in bytes only. */
export function toBuffer(chunk: unknown): Buffer {
	if (Buffer.isBuffer(chunk)) return chunk;
	if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
	if (typeof chunk === 'string') return Buffer.from(chunk);
	throw new AppError('BAD_REQUEST', 'File data must be bytes.');
}

export function checkExpiry(expirySeconds: number): number {
	if (
		!Number.isInteger(expirySeconds) ||
		expirySeconds < 1 ||
		expirySeconds > MAX_SIGNED_URL_SECONDS
	) {
		throw new AppError('BAD_REQUEST', 'Signed URLs last between 1 second and 7 days.');
	}
	return expirySeconds;
}

/* ---------- downloads ---------- */

/**
 * Types a browser may show in place without running anything: everything else is forced to
 * download, so an uploaded HTML or SVG file can never execute on our origin.
 */
const INLINE_SAFE =
	/^(image\/(png|jpeg|gif|webp|avif)|video\/[\w.+-]+|audio\/[\w.+-]+|application\/pdf|text\/plain)$/i;

export function safeDisposition(contentType: string, wanted: Disposition | undefined): Disposition {
	const essence = contentType.split(';')[0]?.trim() ?? '';
	return wanted === 'inline' && INLINE_SAFE.test(essence) ? 'inline' : 'attachment';
}

/** RFC 6266 header with an RFC 5987 `filename*` carrying the real name as UTF-8. */
export function contentDisposition(filename: string, disposition: Disposition): string {
	const name =
		Array.from(String(filename), (ch) => {
			const code = ch.charCodeAt(0);
			return code < 0x20 || code === 0x7f || ch === '/' || ch === '\\' ? '_' : ch;
		})
			.join('')
			.trim() || 'download';
	// Clients that only read `filename` get an ASCII stand-in; quotes and % would need escaping
	// that not every client undoes, so they are replaced too.
	const ascii = Array.from(name, (ch) => (/^[\x20-\x7e]$/.test(ch) && !/["%]/.test(ch) ? ch : '_'))
		.join('')
		.slice(0, 200);
	const encoded = encodeURIComponent(name).replace(
		/['()*]/g,
		(ch) => '%' + ch.charCodeAt(0).toString(16).toUpperCase()
	);
	return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

export function buildDownloadResponse(file: FileStream, options: DownloadOptions): Response {
	const disposition = safeDisposition(file.contentType, options.disposition);
	const body = Readable.toWeb(file.stream) as unknown as ReadableStream<Uint8Array>;
	return new Response(body, {
		status: 200,
		headers: {
			'content-type': file.contentType,
			'content-length': String(file.size),
			'content-disposition': contentDisposition(options.filename, disposition),
			'x-content-type-options': 'nosniff',
			// Attachments are behind access checks: no shared cache may keep a copy.
			'cache-control': 'private, no-store'
		}
	});
}
