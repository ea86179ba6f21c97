import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import { policy, type Actor } from '#shared/policy.ts';
import type { StorageUsage, UploadedFile, UploadQuery } from '#shared/files/files.schema.ts';
import { AppError, forbidden, notFound } from '../errors.ts';
import type { ChannelService } from '../channels/channel.service.ts';
import type { FileStorage } from '../storage/storage.ts';
import { classify, type FileKind } from './file-content.ts';
import { previewKeys, type FileRepository, type FileRow } from './file.repository.ts';
import { imageOutputs, type ImageProcess } from './image-process.ts';
import { defaultReceiveMbPerS } from './receive-pace.ts';
import { defaultGovernorSettings, UploadPaceGovernor } from './upload-pace-governor.ts';
import { spoolFolder, UploadSpool } from './upload-spool.ts';

/** What is stored of an upload once its content is checked (and an image worked on). */
interface Prepared {
	/** The file to store: the spooled upload, or the image process's upright original. */
	file: string;
	mimeType: string;
	kind: FileKind;
	width: number | null;
	height: number | null;
	/** The thumbnail's and the preview's files, for an image. */
	previews: { thumbnail: string; preview: string } | null;
}

export type PreviewSize = 'thumbnail' | 'preview';

/**
 * Files of conversations. Access is checked first, on every request: uploading takes the right
 * to post in the conversation, downloading the right to read it (so a person who loses access
 * loses its files too). An upload is spooled to disk as it arrives (at most MAX_FILE_MB, never
 * whole in memory), its type decided from its content, and only then stored and recorded: a
 * refused file leaves nothing behind.
 */
export class FileService {
	readonly files: FileRepository;
	readonly storage: FileStorage;
	readonly channels: ChannelService;
	readonly images: ImageProcess;
	readonly maxBytes: number;
	/** Where uploads wait on disk while they are checked. */
	readonly spoolDir: string;
	/**
	 * How fast the process takes in uploads, all together: at most UPLOAD_RECEIVE_MB_PER_S, less
	 * while the event loop runs late.
	 */
	readonly uploadPace: UploadPaceGovernor;

	constructor(deps: {
		files: FileRepository;
		storage: FileStorage;
		channels: ChannelService;
		images: ImageProcess;
		maxFileMb: number;
		spoolDir?: string;
		receiveMbPerS?: number;
	}) {
		this.files = deps.files;
		this.storage = deps.storage;
		this.channels = deps.channels;
		this.images = deps.images;
		this.maxBytes = Math.floor(deps.maxFileMb * 1024 * 1024);
		this.spoolDir = deps.spoolDir ?? spoolFolder();
		this.uploadPace = new UploadPaceGovernor(
			defaultGovernorSettings(deps.receiveMbPerS ?? defaultReceiveMbPerS())
		);
	}

	async upload(
		actor: Actor,
		channelId: string,
		query: UploadQuery,
		body: ReadableStream<Uint8Array> | null,
		declaredLength: number | null
	): Promise<UploadedFile> {
		const { channel, access } = await this.channels.access(actor, channelId);
		if (!access.post) throw forbidden('You may not post files in this conversation.');
		const voice = query.voice === 'true';
		if (voice && query.durationMs === undefined) {
			throw new AppError('VALIDATION_FAILED', 'A voice message needs its duration.', {
				details: { issues: [{ path: 'durationMs', message: 'Required for a voice message.' }] }
			});
		}
		if (declaredLength !== null && declaredLength > this.maxBytes) throw this.tooLarge(query.name);
		const spool = await UploadSpool.receive(
			body,
			this.spoolDir,
			this.maxBytes,
			() => this.tooLarge(query.name),
			this.uploadPace.pace
		);
		try {
			const verdict = await classify(
				spool.content(),
				query.name,
				voice ? { durationMs: query.durationMs! } : null
			);
			if (!verdict.ok) {
				throw new AppError(
					'UNSUPPORTED_FILE_TYPE',
					`${query.name} was not accepted: ${verdict.reason}.`,
					{ details: { name: query.name } }
				);
			}
			const prepared = await this.prepare(query.name, spool, verdict.mimeType, verdict.kind);
			const row = await this.store(spool, prepared, {
				orgId: channel.orgId,
				channelId: channel.id,
				uploaderId: actor.id,
				name: query.name,
				durationMs: voice ? query.durationMs! : null,
				waveform: voice ? (query.waveform ?? null) : null
			});
			return toUploaded(row);
		} finally {
			await spool.remove();
		}
	}

	/** Bytes first, then the record; if the record fails, the bytes go too. */
	private async store(
		spool: UploadSpool,
		prepared: Prepared,
		record: Pick<FileRow, 'orgId' | 'channelId' | 'uploaderId' | 'name' | 'durationMs' | 'waveform'>
	): Promise<FileRow> {
		const id = randomUUID();
		const storageKey = `files/${record.orgId}/${record.channelId}/${id}`;
		const keys = prepared.previews ? previewKeys(storageKey) : null;
		const put = async (key: string, file: string, contentType: string) => {
			const { size } = await fs.stat(file);
			await this.storage.putFile(key, file, { contentType, size });
			return size;
		};
		try {
			const size = await put(storageKey, prepared.file, prepared.mimeType);
			if (keys && prepared.previews) {
				await put(keys.thumbnail, prepared.previews.thumbnail, 'image/webp');
				await put(keys.preview, prepared.previews.preview, 'image/webp');
			}
			return await this.files.insert({
				...record,
				id,
				kind: prepared.kind,
				mimeType: prepared.mimeType,
				size,
				width: prepared.width,
				height: prepared.height,
				storageKey,
				hasPreviews: keys !== null
			});
		} catch (error) {
			const stored = [storageKey, ...(keys ? [keys.thumbnail, keys.preview] : [])];
			await Promise.all(stored.map((key) => this.storage.delete(key).catch(() => undefined)));
			throw error;
		}
	}

	/** The organization's files and their bytes, for its Super Admins. */
	async usage(actor: Actor): Promise<StorageUsage> {
		if (!policy.viewStorageUsage(actor, { id: actor.orgId })) {
			throw forbidden('Only Super Admins see the storage use.');
		}
		return this.files.usage(actor.orgId);
	}

	/** The file's bytes, for someone who can read its conversation; others get NOT_FOUND. */
	async download(actor: Actor, fileId: string): Promise<Response> {
		const file = await this.readable(actor, fileId);
		const response = await this.storage.downloadResponse(file.storageKey, {
			filename: file.name,
			disposition: 'attachment'
		});
		response.headers.set('x-content-type-options', 'nosniff');
		response.headers.set('cache-control', 'private, no-store');
		return response;
	}

	/** An image's thumbnail or preview (WebP), shown inline, for readers of its conversation. */
	async preview(actor: Actor, fileId: string, size: PreviewSize): Promise<Response> {
		const file = await this.readable(actor, fileId);
		if (!file.hasPreviews) throw notFound('That preview');
		const response = await this.storage.downloadResponse(previewKeys(file.storageKey)[size], {
			filename: `${file.name}.webp`,
			disposition: 'inline'
		});
		response.headers.set('x-content-type-options', 'nosniff');
		// A file id never names other bytes: the browser may keep it (for this person only).
		response.headers.set('cache-control', 'private, max-age=604800, immutable');
		return response;
	}

	/** The uploader withdraws a file no message carries yet (a cancelled attachment). */
	async withdraw(actor: Actor, fileId: string): Promise<void> {
		const file = await this.readable(actor, fileId);
		if (file.uploaderId !== actor.id || file.messageId !== null) {
			throw forbidden('Only a file you uploaded and did not send yet can be withdrawn.');
		}
		if (await this.files.deletePending(file.id)) {
			const keys = file.hasPreviews ? Object.values(previewKeys(file.storageKey)) : [];
			await Promise.all([file.storageKey, ...keys].map((key) => this.storage.delete(key)));
		}
	}

	/**
	 * Deletes uploads no message carries that are older than `olderThanHours`, with their stored
	 * objects (the file and an image's previews); answers how many. Idempotent: a file already
	 * gone is skipped, and one attached in the meantime is kept (the delete re-checks that no
	 * message carries it). The record goes first: a crash between the two leaves unreferenced
	 * bytes at worst, never a message whose file is missing.
	 */
	async removeAbandonedUploads(olderThanHours: number, batchSize = 200): Promise<number> {
		const before = new Date(Date.now() - olderThanHours * 3600_000);
		let removed = 0;
		for (;;) {
			const abandoned = await this.files.findAbandoned(before, batchSize);
			for (const file of abandoned) {
				if (!(await this.files.deletePending(file.id))) continue;
				const keys = file.hasPreviews ? Object.values(previewKeys(file.storageKey)) : [];
				await Promise.all([file.storageKey, ...keys].map((key) => this.storage.delete(key)));
				removed++;
			}
			if (abandoned.length < batchSize) return removed;
		}
	}

	/**
	 * An image is worked on (off this thread): upright, without metadata, with a thumbnail and
	 * a preview. One the server cannot work on is kept as an ordinary file; a damaged one or a
	 * decompression bomb is refused.
	 */
	private async prepare(
		name: string,
		spool: UploadSpool,
		mimeType: string,
		kind: FileKind
	): Promise<Prepared> {
		const plain: Prepared = {
			file: spool.path,
			mimeType,
			kind,
			width: null,
			height: null,
			previews: null
		};
		if (kind !== 'image') return plain;
		const image = await this.images.processFile(spool.path, mimeType);
		if (image.ok) {
			const outputs = imageOutputs(spool.path);
			return {
				file: outputs.original,
				mimeType: image.mimeType,
				kind: 'image',
				width: image.width,
				height: image.height,
				previews: { thumbnail: outputs.thumbnail, preview: outputs.preview }
			};
		}
		if (image.refused) {
			throw new AppError('UNSUPPORTED_FILE_TYPE', `${name} was not accepted: ${image.reason}.`, {
				details: { name }
			});
		}
		return { ...plain, kind: 'file' };
	}

	private async readable(actor: Actor, fileId: string): Promise<FileRow> {
		const file = await this.files.find(fileId);
		if (!file || file.orgId !== actor.orgId) throw notFound('That file');
		// Throws NOT_FOUND for a conversation the person cannot read: the file does not exist
		// for them either.
		await this.channels.access(actor, file.channelId).catch((error: unknown) => {
			throw error instanceof AppError && error.code === 'NOT_FOUND' ? notFound('That file') : error;
		});
		return file;
	}

	private tooLarge(name: string): AppError {
		const mb = this.maxBytes / 1024 / 1024;
		return new AppError('PAYLOAD_TOO_LARGE', `${name} is larger than ${mb} MB.`, {
			details: { name, maxBytes: this.maxBytes }
		});
	}
}

function toUploaded(row: FileRow): UploadedFile {
	return {
		id: row.id,
		name: row.name,
		size: Number(row.size),
		mimeType: row.mimeType,
		kind: row.kind,
		...(row.width ? { width: row.width } : {}),
		...(row.height ? { height: row.height } : {}),
		...(row.durationMs ? { durationMs: row.durationMs } : {}),
		...(row.waveform ? { waveform: row.waveform } : {})
	};
}
