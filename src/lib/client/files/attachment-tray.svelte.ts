import { call, ApiError } from '$lib/client/api.ts';
import { deleteFile } from '$lib/shared/api/files.ts';
import { MAX_ATTACHMENTS_PER_MESSAGE } from '$lib/shared/chat/limits.ts';
import type { UploadedFile } from '$lib/shared/files/files.schema.ts';
import { compressImage, mayCompress } from './compress.ts';
import { humanSize } from './file-format.ts';
import { upload, type UploadOptions } from './upload.ts';

export type TrayStatus = 'preparing' | 'uploading' | 'done' | 'failed';

/** What the tray does with the world: replaced by fakes in its tests. */
export interface TrayDeps {
	upload: (
		channelId: string,
		file: Blob,
		name: string,
		options: UploadOptions
	) => Promise<UploadedFile>;
	withdraw: (fileId: string) => Promise<void>;
	compress: (file: File) => Promise<File>;
	objectUrl: (file: Blob) => string | null;
	revokeUrl: (url: string) => void;
	/** The server's largest file (MAX_FILE_MB): a larger one is refused here, before it is sent. */
	maxBytes: () => number;
}

const browserDeps: TrayDeps = {
	upload,
	withdraw: async (id) => {
		await call(deleteFile, { params: { id } });
	},
	compress: compressImage,
	objectUrl: (file) =>
		typeof URL.createObjectURL === 'function' ? URL.createObjectURL(file) : null,
	revokeUrl: (url) => URL.revokeObjectURL(url),
	maxBytes: () => Infinity
};

let counter = 0;

/** One file on its way into a message: its bytes, its upload, and what the server answered. */
export class TrayItem {
	readonly key = `tray-${++counter}`;
	readonly original: File;
	readonly isImage: boolean;
	/** A local picture of an image, shown while it uploads. */
	readonly previewUrl: string | null;
	status = $state<TrayStatus>('preparing');
	sent = $state(0);
	total = $state(0);
	error = $state<string | null>(null);
	/** It failed for want of a connection: it goes again when the connection is back. */
	offline = $state(false);
	uploaded = $state<UploadedFile | null>(null);
	/** Set when the browser made the image smaller; the person may send the original instead. */
	compressed = $state<File | null>(null);
	sendOriginal = $state(false);
	controller: AbortController | null = null;

	constructor(file: File, previewUrl: string | null) {
		this.original = file;
		this.isImage = file.type.startsWith('image/');
		this.previewUrl = previewUrl;
		this.total = file.size;
	}

	/** The file that goes: the smaller one unless the original was chosen. */
	get file(): File {
		return (!this.sendOriginal && this.compressed) || this.original;
	}

	get name(): string {
		return this.file.name;
	}

	/** 0..1 of the bytes sent. */
	get progress(): number {
		if (this.status === 'done') return 1;
		return this.total > 0 ? Math.min(1, this.sent / this.total) : 0;
	}
}

/**
 * The files of the message being written, Telegram-style: each starts uploading the moment it
 * is added, shows its own progress, and can be cancelled (a finished upload is withdrawn from
 * the server) or retried on its own. The message takes the server's answers unchanged
 * (attachment-check.ts compares them with the record).
 */
export class AttachmentTray {
	items = $state<TrayItem[]>([]);
	/** Why some files were not added (the per-message limit). */
	notice = $state<string | null>(null);
	private readonly channelId: () => string;
	private readonly deps: TrayDeps;

	constructor(channelId: () => string, deps: Partial<TrayDeps> = {}) {
		this.channelId = channelId;
		this.deps = { ...browserDeps, ...deps };
	}

	get count(): number {
		return this.items.length;
	}

	/** Every file uploaded (true for none). */
	get ready(): boolean {
		return this.items.every((item) => item.status === 'done');
	}

	get failed(): TrayItem[] {
		return this.items.filter((item) => item.status === 'failed');
	}

	/** Some file waits for the connection: the message may wait in the outbox instead. */
	get waitingForConnection(): boolean {
		return this.items.some((item) => item.status === 'failed' && item.offline);
	}

	/** Tries again the files that failed for want of a connection (it is back). */
	retryOffline(): void {
		for (const item of this.items) if (item.status === 'failed' && item.offline) this.retry(item);
	}

	/**
	 * The files leave the tray for the outbox (a message written offline): their bytes, and the
	 * server's answer for those already uploaded. Nothing is withdrawn.
	 */
	handOver(): { name: string; blob: Blob; uploaded: UploadedFile | null }[] {
		const files = this.items.map((item) => ({
			name: item.name,
			blob: item.file as Blob,
			uploaded: item.uploaded ? $state.snapshot(item.uploaded) : null
		}));
		this.clear();
		return files;
	}

	get busy(): boolean {
		return this.items.some((item) => item.status === 'preparing' || item.status === 'uploading');
	}

	/** The message's attachments: the uploads' answers, in the order the files were added. */
	get attachments(): UploadedFile[] {
		return this.items.flatMap((item) => (item.uploaded ? [item.uploaded] : []));
	}

	/** Adds files (up to the per-message limit) and starts their uploads at once. */
	add(files: Iterable<File>): TrayItem[] {
		const given = [...files];
		const room = Math.max(0, MAX_ATTACHMENTS_PER_MESSAGE - this.items.length);
		const taken = given.slice(0, room);
		const left = given.length - taken.length;
		this.notice =
			left > 0
				? `A message carries at most ${MAX_ATTACHMENTS_PER_MESSAGE} files: ${left === 1 ? '1 file was' : `${left} files were`} not added.`
				: null;
		const added = taken.map(
			(file) =>
				new TrayItem(file, file.type.startsWith('image/') ? this.deps.objectUrl(file) : null)
		);
		this.items = [...this.items, ...added];
		for (const item of added) void this.start(item);
		return added;
	}

	/** Cancels one file: its upload stops, and a finished one is withdrawn from the server. */
	remove(item: TrayItem): void {
		this.items = this.items.filter((other) => other !== item);
		this.forget(item, true);
		if (this.items.length < MAX_ATTACHMENTS_PER_MESSAGE) this.notice = null;
	}

	retry(item: TrayItem): void {
		if (item.status !== 'failed') return;
		void this.start(item);
	}

	/** Sends the original bytes of a compressed image instead (or the smaller ones again). */
	setSendOriginal(item: TrayItem, original: boolean): void {
		if (item.sendOriginal === original || !item.compressed) return;
		item.sendOriginal = original;
		item.controller?.abort();
		const withdrawn = item.uploaded;
		item.uploaded = null;
		if (withdrawn) void this.deps.withdraw(withdrawn.id).catch(() => undefined);
		void this.start(item);
	}

	/** The message went: the files now belong to it (nothing withdrawn). */
	clear(): void {
		for (const item of this.items) this.forget(item, false);
		this.items = [];
		this.notice = null;
	}

	/** The draft is abandoned (the conversation closes): every file is cancelled. */
	discard(): void {
		for (const item of this.items) this.forget(item, true);
		this.items = [];
		this.notice = null;
	}

	private forget(item: TrayItem, withdraw: boolean): void {
		item.controller?.abort();
		item.controller = null;
		if (item.previewUrl) this.deps.revokeUrl(item.previewUrl);
		if (withdraw && item.uploaded) {
			const id = item.uploaded.id;
			item.uploaded = null;
			void this.deps.withdraw(id).catch(() => undefined);
		}
	}

	private async start(item: TrayItem): Promise<void> {
		item.controller?.abort();
		const controller = new AbortController();
		item.controller = controller;
		item.error = null;
		item.offline = false;
		item.sent = 0;
		item.uploaded = null;
		let file = item.original;
		if (mayCompress(file) && !item.sendOriginal) {
			item.status = 'preparing';
			if (!item.compressed) {
				const smaller = await this.deps.compress(file);
				if (controller.signal.aborted) return;
				if (smaller !== file) item.compressed = smaller;
			}
			file = item.compressed ?? file;
		}
		item.total = file.size;
		const maxBytes = this.deps.maxBytes();
		if (file.size > maxBytes) {
			// The server would refuse it after every byte went up (or, from the outbox, later).
			item.status = 'failed';
			item.error = `${file.name} is larger than ${humanSize(maxBytes)}, the largest file this server takes.`;
			item.controller = null;
			return;
		}
		item.status = 'uploading';
		try {
			const answer = await this.deps.upload(this.channelId(), file, file.name, {
				signal: controller.signal,
				onProgress: (sent, total) => {
					if (item.controller !== controller) return;
					item.sent = sent;
					item.total = total;
				}
			});
			if (item.controller !== controller) {
				// Cancelled or restarted while the answer was on its way: that file is not wanted.
				void this.deps.withdraw(answer.id).catch(() => undefined);
				return;
			}
			item.uploaded = answer;
			item.sent = item.total;
			item.status = 'done';
		} catch (error) {
			if (item.controller !== controller) return;
			if (error instanceof DOMException && error.name === 'AbortError') return;
			item.status = 'failed';
			item.offline = error instanceof ApiError && error.code === 'NETWORK';
			item.error = failureMessage(item.name, error);
		} finally {
			if (item.controller === controller) item.controller = null;
		}
	}
}

/** The server's own words when it gave any (they name the file and the reason). */
export function failureMessage(name: string, error: unknown): string {
	if (error instanceof ApiError) {
		if (error.code === 'NETWORK') return `${name} waits for the connection.`;
		if (error.code === 'PAYLOAD_TOO_LARGE' && !error.message.includes(name)) {
			return `${name} was not accepted: ${error.message}`;
		}
		return error.message;
	}
	return `${name} could not be sent.`;
}
