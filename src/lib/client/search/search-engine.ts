import { parseSearchQuery } from '#shared/search/query.ts';
import {
	LocalSearchIndex,
	type IndexSnapshot,
	type IndexedMessage,
	type LocalSearchResult
} from './local-index.ts';
import type { KnownPerson } from './results.ts';

/**
 * The local search index with its persistence, behind one message protocol: it runs in a Web
 * Worker (search.worker.ts) so that indexing and saving never hold up the screen, or in the
 * page itself where there are no workers.
 *
 * The index is saved whole (one snapshot, one transaction) a little after it changes and when
 * the page is hidden, in the person's own IndexedDB database (`connectflow:<userId>:search`, so
 * sign-out deletes it with the other local copies). A start loads the snapshot instead of
 * indexing everything again; conversations then only send what changed since.
 */

export type EngineRequest =
	| { type: 'open'; userId: string }
	| { type: 'sync-shard'; channelId: string; shard: number; messages: IndexedMessage[] }
	| {
			type: 'changes';
			channelId: string;
			shard: number;
			upserts: IndexedMessage[];
			removes: string[];
	  }
	| { type: 'remove-channel'; channelId: string }
	| { type: 'retain-channels'; channelIds: string[] }
	| { type: 'people'; people: KnownPerson[] }
	| {
			type: 'search';
			q: string;
			meId: string;
			authorIds: string[] | null;
			channelIds: string[] | null;
			readable: string[] | null;
			limit: number;
	  }
	| { type: 'flush' }
	| { type: 'close' };

export interface OpenResult {
	size: number;
	restored: boolean;
	people: KnownPerson[];
}

export type EngineResponse = OpenResult | LocalSearchResult | { size: number } | null;

interface StoredSnapshot {
	index: IndexSnapshot;
	people: KnownPerson[];
	savedAt: number;
}

export const SEARCH_DATABASE_SUFFIX = 'search';
const STORE = 'snapshot';
const KEY = 'current';
/**
 * A change is saved this long after it (the whole index is written at once, so a large index
 * waits longer: 2 s for a few thousand messages, 30 s for 100,000).
 */
function saveDelay(size: number): number {
	return Math.min(30_000, Math.max(2_000, size * 0.3));
}

export function searchDatabaseName(userId: string): string {
	return `connectflow:${userId}:${SEARCH_DATABASE_SUFFIX}`;
}

export class SearchEngine {
	private index = new LocalSearchIndex();
	private people = new Map<string, KnownPerson>();
	private database: IDBDatabase | null = null;
	private dirty = false;
	private saveTimer: ReturnType<typeof setTimeout> | null = null;
	private queue: Promise<unknown> = Promise.resolve();
	private closed = false;

	/** Requests run one after the other, in the order they came. */
	handle(request: EngineRequest): Promise<EngineResponse> {
		const run = this.queue.then(() => this.run(request));
		this.queue = run.catch(() => undefined);
		return run;
	}

	private async run(request: EngineRequest): Promise<EngineResponse> {
		if (this.closed && request.type !== 'close') return null;
		switch (request.type) {
			case 'open':
				return this.open(request.userId);
			case 'sync-shard':
				this.changed(this.index.syncShard(request.channelId, request.shard, request.messages));
				return { size: this.index.size };
			case 'changes': {
				let count = 0;
				for (const message of request.upserts) if (this.index.upsert(message)) count++;
				for (const id of request.removes) if (this.index.remove(id)) count++;
				this.changed(count);
				return { size: this.index.size };
			}
			case 'remove-channel':
				this.changed(this.index.removeChannel(request.channelId));
				return { size: this.index.size };
			case 'retain-channels':
				this.changed(this.index.retainChannels(new Set(request.channelIds)));
				return { size: this.index.size };
			case 'people': {
				let count = 0;
				for (const person of request.people) {
					const known = this.people.get(person.id);
					if (known && known.name === person.name && known.email === person.email) continue;
					this.people.set(person.id, { ...known, ...person });
					count++;
				}
				this.changed(count);
				return null;
			}
			case 'search':
				return this.index.search(
					parseSearchQuery(request.q),
					{
						meId: request.meId,
						authorIds: request.authorIds ? new Set(request.authorIds) : null,
						channelIds: request.channelIds ? new Set(request.channelIds) : null,
						readable: request.readable ? new Set(request.readable) : null
					},
					request.limit
				);
			case 'flush':
				await this.save();
				return null;
			case 'close':
				if (!this.closed) {
					await this.save();
					this.closed = true;
					this.database?.close();
					this.database = null;
				}
				return null;
		}
	}

	private async open(userId: string): Promise<OpenResult> {
		this.database = await openDatabase(searchDatabaseName(userId));
		let restored = false;
		const stored = this.database ? await readSnapshot(this.database) : null;
		if (stored) {
			const index = LocalSearchIndex.fromSnapshot(stored.index);
			if (index) {
				this.index = index;
				restored = true;
			}
			for (const person of stored.people ?? []) this.people.set(person.id, person);
		}
		return { size: this.index.size, restored, people: [...this.people.values()] };
	}

	private changed(count: number): void {
		if (count === 0) return;
		this.dirty = true;
		if (this.saveTimer || !this.database) return;
		this.saveTimer = setTimeout(() => {
			this.saveTimer = null;
			void this.handle({ type: 'flush' });
		}, saveDelay(this.index.size));
	}

	private async save(): Promise<void> {
		if (this.saveTimer) clearTimeout(this.saveTimer);
		this.saveTimer = null;
		if (!this.dirty || !this.database) return;
		this.dirty = false;
		const snapshot: StoredSnapshot = {
			index: this.index.snapshot(),
			people: [...this.people.values()],
			savedAt: Date.now()
		};
		try {
			await writeSnapshot(this.database, JSON.stringify(snapshot));
		} catch {
			// Storage full or gone (sign-out deleting it): the next start indexes again.
			this.dirty = true;
		}
	}
}

function openDatabase(name: string): Promise<IDBDatabase | null> {
	if (typeof indexedDB === 'undefined') return Promise.resolve(null);
	return new Promise((resolve) => {
		const request = indexedDB.open(name, 1);
		request.onupgradeneeded = () => {
			if (!request.result.objectStoreNames.contains(STORE)) {
				request.result.createObjectStore(STORE);
			}
		};
		request.onsuccess = () => {
			const database = request.result;
			// Sign-out deletes the database: let it go at once.
			database.onversionchange = () => database.close();
			resolve(database);
		};
		request.onerror = () => resolve(null);
		request.onblocked = () => resolve(null);
	});
}

function readSnapshot(database: IDBDatabase): Promise<StoredSnapshot | null> {
	return new Promise((resolve) => {
		try {
			const request = database.transaction(STORE, 'readonly').objectStore(STORE).get(KEY);
			request.onsuccess = () => {
				try {
					const value: unknown = request.result;
					resolve(typeof value === 'string' ? (JSON.parse(value) as StoredSnapshot) : null);
				} catch {
					resolve(null);
				}
			};
			request.onerror = () => resolve(null);
		} catch {
			resolve(null);
		}
	});
}

function writeSnapshot(database: IDBDatabase, value: string): Promise<void> {
	return new Promise((resolve, reject) => {
		const transaction = database.transaction(STORE, 'readwrite');
		transaction.objectStore(STORE).put(value, KEY);
		transaction.oncomplete = () => resolve();
		transaction.onerror = () => reject(transaction.error);
		transaction.onabort = () => reject(transaction.error);
	});
}
