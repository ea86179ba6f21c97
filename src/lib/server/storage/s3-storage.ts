import { IncomingMessage } from 'node:http';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { Client, ClientOptions } from 'minio';
import { isAppError, notFound } from '../errors.ts';
import {
	buildDownloadResponse,
	checkBuffer,
	checkExpiry,
	checkPut,
	contentDisposition,
	DEFAULT_CONTENT_TYPE,
	sizeMismatch,
	toBuffer,
	tooLarge,
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

/** S3's smallest allowed part (all parts but the last must be at least this big). */
export const MIN_PART_SIZE = 5 * 1024 * 1024;

export interface S3StorageOptions {
	endPoint: string;
	port?: number;
	useSSL: boolean;
	accessKey?: string;
	secretKey?: string;
	bucket: string;
	region: string;
	maxBytes: number;
	/** Bytes buffered per part of a streamed upload, so also the memory one upload holds. */
	partSize?: number;
	/** Every upload asks for SSE-S3 (`x-amz-server-side-encryption: AES256`): S3_SSE. */
	serverSideEncryption?: boolean;
}

/**
 * Any S3-compatible store through the minio client. Created lazily: the bucket is made on the
 * first write if it does not exist, so a fresh MinIO needs no setup step.
 *
 * Streams are uploaded with our own multipart loop rather than minio's `putObject(stream)`: that
 * one resumes any earlier unfinished upload of the same key and never settles when the source
 * stream fails, and we need to cut off oversized uploads and abort cleanly.
 */
export class S3Storage implements FileStorage {
	readonly kind = 's3' as const;
	#client: Promise<Client> | undefined;
	readonly #clientOptions: ClientOptions;
	readonly bucket: string;
	readonly region: string;
	readonly maxBytes: number;
	readonly partSize: number;
	#bucketReady: Promise<void> | undefined;
	readonly #options: S3StorageOptions;

	constructor(options: S3StorageOptions) {
		this.#options = options;
		const clientOptions: ClientOptions = {
			endPoint: options.endPoint,
			useSSL: options.useSSL,
			accessKey: options.accessKey ?? '',
			secretKey: options.secretKey ?? '',
			region: options.region
		};
		if (options.port !== undefined) clientOptions.port = options.port;
		this.#clientOptions = clientOptions;
		this.bucket = options.bucket;
		this.region = options.region;
		this.maxBytes = options.maxBytes;
		this.partSize = Math.max(MIN_PART_SIZE, options.partSize ?? MIN_PART_SIZE);
	}

	withMaxBytes(maxBytes: number): S3Storage {
		return new S3Storage({ ...this.#options, maxBytes });
	}

	/**
	 * The minio client, its package loaded on first use: a server on the local folder (the
	 * default) never loads it, 10 MB of heap (docs/ARCHITECTURE.md, "Server memory").
	 */
	client(): Promise<Client> {
		this.#client ??= import('minio').then(({ Client }) => new Client(this.#clientOptions));
		return this.#client;
	}

	async put(key: string, data: Readable | Uint8Array, meta: PutMeta): Promise<StoredFile> {
		try {
			checkPut(key, meta, this.maxBytes);
			await this.#ensureBucket();
		} catch (error) {
			if (!(data instanceof Uint8Array)) data.destroy();
			throw error;
		}
		const headers: Record<string, string> = { 'Content-Type': meta.contentType };
		// On a single PUT and on the multipart upload's start (its parts inherit it).
		if (this.#options.serverSideEncryption) headers['x-amz-server-side-encryption'] = 'AES256';
		if (data instanceof Uint8Array) {
			checkBuffer(data, meta, this.maxBytes);
			const bytes = toBuffer(data);
			await (await this.client()).putObject(this.bucket, key, bytes, bytes.length, headers);
			return { key, size: bytes.length };
		}
		return this.#putStream(key, data, meta, headers);
	}

	putFile(key: string, file: string, meta: PutMeta): Promise<StoredFile> {
		return this.put(key, createReadStream(file), meta);
	}

	async #putStream(
		key: string,
		source: Readable,
		meta: PutMeta,
		headers: Record<string, string>
	): Promise<StoredFile> {
		const client = await this.client();
		let uploadId: string | undefined;
		const parts: { part: number; etag: string }[] = [];
		let pending: Buffer[] = [];
		let pendingBytes = 0;
		let size = 0;

		const flushPart = async () => {
			uploadId ??= await client.initiateNewMultipartUpload(this.bucket, key, headers);
			const part = parts.length + 1;
			const payload = Buffer.concat(pending, pendingBytes);
			pending = [];
			pendingBytes = 0;
			const uploaded = await client.uploadPart(
				{
					bucketName: this.bucket,
					objectName: key,
					uploadID: uploadId,
					partNumber: part,
					headers: {}
				},
				payload
			);
			parts.push({ part, etag: uploaded.etag });
		};

		try {
			// for-await gives backpressure (one part in memory at a time) and destroys the source
			// if we stop early.
			for await (const chunk of source) {
				const bytes = toBuffer(chunk);
				size += bytes.length;
				if (size > this.maxBytes) throw tooLarge(this.maxBytes);
				pending.push(bytes);
				pendingBytes += bytes.length;
				if (pendingBytes >= this.partSize) await flushPart();
			}
			if (meta.size !== undefined && meta.size !== size) throw sizeMismatch(meta.size, size);
			if (uploadId === undefined) {
				const bytes = Buffer.concat(pending, pendingBytes);
				await client.putObject(this.bucket, key, bytes, bytes.length, headers);
			} else {
				if (pendingBytes > 0) await flushPart();
				await client.completeMultipartUpload(this.bucket, key, uploadId, parts);
			}
			return { key, size };
		} catch (error) {
			if (!source.destroyed) source.destroy();
			if (uploadId !== undefined) {
				// Unfinished parts are billed and invisible; best effort, the original error matters more.
				await client.abortMultipartUpload(this.bucket, key, uploadId).catch(() => {});
			}
			throw error;
		}
	}

	async get(key: string): Promise<FileStream> {
		validateKey(key);
		let stream: Readable;
		try {
			stream = await (await this.client()).getObject(this.bucket, key);
		} catch (error) {
			throw missingOr(error, key);
		}
		// minio hands back the HTTP response itself; its headers describe exactly these bytes,
		// which a separate HEAD request could not promise if the object is replaced meanwhile.
		if (stream instanceof IncomingMessage) {
			const length = Number(stream.headers['content-length']);
			if (Number.isSafeInteger(length)) {
				return {
					stream,
					size: length,
					contentType: stream.headers['content-type'] ?? DEFAULT_CONTENT_TYPE
				};
			}
		}
		try {
			const info = await this.stat(key);
			return { stream, size: info.size, contentType: info.contentType };
		} catch (error) {
			stream.destroy();
			throw error;
		}
	}

	async stat(key: string): Promise<FileInfo> {
		validateKey(key);
		try {
			const info = await (await this.client()).statObject(this.bucket, key);
			const contentType = info.metaData['content-type'];
			return {
				key,
				size: info.size,
				contentType: typeof contentType === 'string' ? contentType : DEFAULT_CONTENT_TYPE,
				lastModified: info.lastModified
			};
		} catch (error) {
			throw missingOr(error, key);
		}
	}

	async delete(key: string): Promise<void> {
		validateKey(key);
		try {
			await (await this.client()).removeObject(this.bucket, key);
		} catch (error) {
			if (!isMissing(error)) throw error;
		}
	}

	async exists(key: string): Promise<boolean> {
		try {
			await this.stat(key);
			return true;
		} catch (error) {
			if (isAppError(error) && error.code === 'NOT_FOUND') return false;
			throw error;
		}
	}

	async downloadResponse(key: string, options: DownloadOptions): Promise<Response> {
		return buildDownloadResponse(await this.get(key), options);
	}

	async signedUrl(
		key: string,
		expirySeconds: number,
		options?: DownloadOptions
	): Promise<string | null> {
		validateKey(key);
		checkExpiry(expirySeconds);
		// The URL is served by S3's origin, not ours, so `inline` cannot run anything on our pages.
		const overrides: Record<string, string> = {};
		if (options) {
			const disposition = options.disposition ?? 'attachment';
			overrides['response-content-disposition'] = contentDisposition(options.filename, disposition);
		}
		return (await this.client()).presignedGetObject(this.bucket, key, expirySeconds, overrides);
	}

	#ensureBucket(): Promise<void> {
		this.#bucketReady ??= (async () => {
			const client = await this.client();
			if (await client.bucketExists(this.bucket)) return;
			try {
				await client.makeBucket(this.bucket, this.region);
			} catch (error) {
				// Another process created it between our check and our create.
				if (s3Code(error) !== 'BucketAlreadyOwnedByYou') throw error;
			}
		})().catch((error: unknown) => {
			// Let the next call try again (MinIO may still have been starting).
			this.#bucketReady = undefined;
			throw error;
		});
		return this.#bucketReady;
	}
}

function s3Code(error: unknown): string | undefined {
	const code = (error as { code?: unknown } | null)?.code;
	return typeof code === 'string' ? code : undefined;
}

function isMissing(error: unknown): boolean {
	const code = s3Code(error);
	return code === 'NoSuchKey' || code === 'NotFound' || code === 'NoSuchBucket';
}

function missingOr(error: unknown, key: string): unknown {
	return isMissing(error) ? notFound(`File ${key}`) : error;
}
