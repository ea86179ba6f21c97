import type { Readable } from 'node:stream';
import type { AppConfig } from '../config.ts';
import { LocalStorage } from './local-storage.ts';
import { S3Storage } from './s3-storage.ts';
import { loadFilesKey } from './file-encryption.ts';

export interface PutMeta {
	contentType: string;
	/** Declared length; when given, an upload of any other length is refused and not stored. */
	size?: number;
}

export interface StoredFile {
	key: string;
	size: number;
}

export interface FileInfo {
	key: string;
	size: number;
	contentType: string;
	lastModified: Date;
}

export interface FileStream {
	/** The caller must consume or destroy it, or a file handle / socket stays open. */
	stream: Readable;
	size: number;
	contentType: string;
}

export type Disposition = 'attachment' | 'inline';

export interface DownloadOptions {
	/** The name the browser saves the file under; any Unicode is fine. */
	filename: string;
	/**
	 * Defaults to 'attachment'. 'inline' is honoured only for types a browser cannot execute
	 * (raster images, audio, video, PDF, plain text); anything else is sent as an attachment.
	 */
	disposition?: Disposition;
}

/**
 * Where message attachments live: a local folder by default, any S3 (MinIO) when configured.
 * Keys are chosen by the server, never taken raw from users; both implementations apply the same
 * key rules (see `validateKey` in common.ts) and refuse others with AppError BAD_REQUEST.
 */
export interface FileStorage {
	readonly kind: 'local' | 's3';
	/**
	 * Stores the bytes under `key`, replacing what was there; nothing is stored if it fails.
	 * Throws PAYLOAD_TOO_LARGE past MAX_FILE_MB, BAD_REQUEST for a bad key, content type or a
	 * declared size that does not match.
	 */
	put(key: string, data: Readable | Uint8Array, meta: PutMeta): Promise<StoredFile>;
	/**
	 * `put` of a file on this machine (an upload spooled to disk). Local storage copies it in
	 * the file system, so its bytes stay off the event loop that serves the sockets.
	 */
	putFile(key: string, file: string, meta: PutMeta): Promise<StoredFile>;
	/** Throws AppError NOT_FOUND when the key does not exist. */
	get(key: string): Promise<FileStream>;
	/** Throws AppError NOT_FOUND when the key does not exist. */
	stat(key: string): Promise<FileInfo>;
	/** Deleting a key that does not exist succeeds, as on S3. */
	delete(key: string): Promise<void>;
	exists(key: string): Promise<boolean>;
	/** A streamed 200 response for a SvelteKit handler. Throws AppError NOT_FOUND. */
	downloadResponse(key: string, options: DownloadOptions): Promise<Response>;
	/**
	 * A URL that fetches the object straight from S3 for `expirySeconds` (1 s to 7 days), or null
	 * for local storage (serve those through `downloadResponse`). Does not check that the key
	 * exists. With `options`, S3 answers with the same Content-Disposition as downloadResponse.
	 */
	signedUrl(key: string, expirySeconds: number, options?: DownloadOptions): Promise<string | null>;
	/** The same storage with another size limit (exports are larger than any upload may be). */
	withMaxBytes(maxBytes: number): FileStorage;
}

export function createStorage(config: AppConfig): FileStorage {
	const maxBytes = Math.floor(config.MAX_FILE_MB * 1024 * 1024);
	if (!config.S3_ENDPOINT) {
		return new LocalStorage({
			root: config.filesDir,
			maxBytes,
			encryption: loadFilesKey(config).key
		});
	}
	return new S3Storage({
		...parseEndpoint(config.S3_ENDPOINT, config.S3_PORT, config.S3_USE_SSL),
		accessKey: config.S3_ACCESS_KEY,
		secretKey: config.S3_SECRET_KEY,
		bucket: config.S3_BUCKET,
		region: config.S3_REGION,
		serverSideEncryption: config.S3_SSE,
		maxBytes
	});
}

/** Takes a bare host, as the minio client wants, or forgivingly a URL such as http://minio:9000. */
export function parseEndpoint(
	endpoint: string,
	port: number | undefined,
	useSSL: boolean
): { endPoint: string; port: number | undefined; useSSL: boolean } {
	if (!/^https?:\/\//i.test(endpoint)) return { endPoint: endpoint, port, useSSL };
	const url = new URL(endpoint);
	return {
		endPoint: url.hostname.replace(/^\[(.*)\]$/, '$1'),
		port: url.port ? Number(url.port) : port,
		useSSL: url.protocol === 'https:'
	};
}
