import { ApiError } from '$lib/client/api.ts';
import type { Mention } from '$lib/shared/chat/document-schema.ts';
import type { UploadedFile } from '$lib/shared/files/files.schema.ts';
import { failureMessage } from './attachment-tray.svelte.ts';
import { upload, type UploadOptions } from './upload.ts';
import { LOCAL_COPY_PREFIX } from '$lib/client/collab/local-copy.ts';

/** One file of a message written offline: its bytes, and the server's answer once uploaded. */
export interface OutboxFile {
	name: string;
	blob: Blob;
	uploaded: UploadedFile | null;
	/** A voice message recorded offline: what the browser measured of it. */
	voice?: UploadOptions['voice'];
}

/** A message with files written while offline: it waits in this browser until it can go. */
export interface OutboxEntry {
	/** The message's id, chosen when written: posting it twice cannot make two messages. */
	id: string;
	channelId: string;
	threadId: string | null;
	text: string;
	mentions: Mention[];
	createdAt: number;
	files: OutboxFile[];
}

/** Where entries are kept: IndexedDB in the browser (Blobs are stored as they are). */
export interface OutboxStore {
	all(): Promise<OutboxEntry[]>;
	put(entry: OutboxEntry): Promise<void>;
	delete(id: string): Promise<void>;
}

const STORE = 'messages';

function request<T>(
	name: string,
	make: (store: IDBObjectStore) => IDBRequest<T>,
	mode: IDBTransactionMode
) {
	return new Promise<T>((resolve, reject) => {
		const open = indexedDB.open(name, 1);
		open.onupgradeneeded = () => open.result.createObjectStore(STORE, { keyPath: 'id' });
		open.onerror = () => reject(open.error);
		open.onsuccess = () => {
			const db = open.result;
			const transaction = db.transaction(STORE, mode);
			const result = make(transaction.objectStore(STORE));
			transaction.oncomplete = () => {
				db.close();
				resolve(result.result);
			};
			transaction.onerror = () => {
				db.close();
				reject(transaction.error);
			};
		};
	});
}

/**
 * The person's outbox database. Named like the local copies of their documents
 * (local-copy.ts), so sign-out deletes it with them: no file stays behind on the device.
 */
export function indexedDbOutbox(userId: string): OutboxStore {
	const name = `${LOCAL_COPY_PREFIX}:${userId}:outbox`;
	return {
		all: () => request(name, (store) => store.getAll() as IDBRequest<OutboxEntry[]>, 'readonly'),
		put: async (entry) => {
			await request(name, (store) => store.put(entry), 'readwrite');
		},
		delete: async (id) => {
			await request(name, (store) => store.delete(id), 'readwrite');
		}
	};
}

/**
 * Messages with files written offline, for one conversation: kept in IndexedDB (so they survive
 * a reload and a browser restart), then, once the connection is back, each file uploaded and
 * each message posted, oldest first. A message waits behind the one before it, so they arrive
 * in the order they were written. Every upload's answer is saved at once: a reload mid-way
 * does not upload a file twice.
 */
export class Outbox {
	entries = $state<OutboxEntry[]>([]);
	/** Why the first message could not go (a file the server refused); it waits for the person. */
	problem = $state<{ id: string; message: string } | null>(null);
	private flushing = false;
	private readonly channelId: () => string;
	private readonly store: OutboxStore;
	private readonly send: typeof upload;

	constructor(channelId: () => string, store: OutboxStore, send: typeof upload = upload) {
		this.channelId = channelId;
		this.store = store;
		this.send = send;
	}

	/** Reads this conversation's waiting messages (after opening it, or a reload). */
	async load(): Promise<void> {
		const channelId = this.channelId();
		const all = await this.store.all().catch(() => [] as OutboxEntry[]);
		if (channelId !== this.channelId()) return;
		this.entries = all
			.filter((entry) => entry.channelId === channelId)
			.sort((a, b) => a.createdAt - b.createdAt);
	}

	async add(entry: OutboxEntry): Promise<void> {
		this.entries = [...this.entries, entry];
		await this.store.put(entry);
	}

	async discard(id: string): Promise<void> {
		this.entries = this.entries.filter((entry) => entry.id !== id);
		if (this.problem?.id === id) this.problem = null;
		await this.store.delete(id);
	}

	/**
	 * Sends what waits, in order: uploads each file not yet uploaded, then `post`s the message.
	 * Stops at the first failure: no connection (tried again later) or a refused file (shown).
	 */
	async flush(post: (entry: OutboxEntry, attachments: UploadedFile[]) => void): Promise<void> {
		if (this.flushing) return;
		this.flushing = true;
		try {
			while (this.entries.length > 0) {
				const entry = this.entries[0]!;
				if (this.problem?.id === entry.id) return;
				for (const file of entry.files) {
					if (file.uploaded) continue;
					try {
						file.uploaded = await this.send(
							entry.channelId,
							file.blob,
							file.name,
							file.voice ? { voice: file.voice } : {}
						);
					} catch (error) {
						if (!(error instanceof ApiError) || error.code !== 'NETWORK') {
							this.problem = { id: entry.id, message: failureMessage(file.name, error) };
						}
						return;
					}
					// The store gets plain values: a state proxy cannot be cloned into IndexedDB.
					await this.store.put($state.snapshot(entry) as OutboxEntry);
				}
				// Plain values (not state proxies) go into the document.
				post(
					$state.snapshot(entry) as OutboxEntry,
					entry.files.flatMap((file) => (file.uploaded ? [$state.snapshot(file.uploaded)] : []))
				);
				await this.discard(entry.id);
			}
		} finally {
			this.flushing = false;
		}
	}
}
