import type { ListedMessage } from '#shared/chat/listing.ts';
import { toIndexed, type IndexedMessage, type LocalSearchResult } from './local-index.ts';
import {
	SearchEngine,
	type EngineRequest,
	type EngineResponse,
	type OpenResult
} from './search-engine.ts';
import type { KnownPerson } from './results.ts';

/**
 * The page's side of the local search: feeds the index with what conversations list (only what
 * changed since the last time, per shard) and asks it questions. The index itself lives in a
 * Web Worker, or in the page where workers are not available (tests).
 */

export interface LocalQuery {
	q: string;
	meId: string;
	authorIds: ReadonlySet<string> | null;
	channelIds: ReadonlySet<string> | null;
	readable: ReadonlySet<string> | null;
	limit: number;
}

interface Transport {
	send(request: EngineRequest): Promise<EngineResponse>;
	terminate(): void;
}

function workerTransport(): Transport | null {
	if (typeof Worker === 'undefined') return null;
	let worker: Worker;
	try {
		worker = new Worker(new URL('./search.worker.ts', import.meta.url), { type: 'module' });
	} catch {
		return null;
	}
	let nextId = 0;
	const waiting = new Map<
		number,
		{ resolve: (r: EngineResponse) => void; reject: (e: Error) => void }
	>();
	worker.onmessage = (
		event: MessageEvent<{ id: number; result?: EngineResponse; error?: string }>
	) => {
		const entry = waiting.get(event.data.id);
		if (!entry) return;
		waiting.delete(event.data.id);
		if (event.data.error !== undefined) entry.reject(new Error(event.data.error));
		else entry.resolve(event.data.result ?? null);
	};
	worker.onerror = () => {
		for (const entry of waiting.values()) entry.reject(new Error('The search worker failed.'));
		waiting.clear();
	};
	return {
		send: (request) =>
			new Promise((resolve, reject) => {
				const id = ++nextId;
				waiting.set(id, { resolve, reject });
				worker.postMessage({ id, request });
			}),
		terminate: () => {
			worker.terminate();
			for (const entry of waiting.values()) entry.resolve(null);
			waiting.clear();
		}
	};
}

function inPageTransport(): Transport {
	const engine = new SearchEngine();
	return { send: (request) => engine.handle(request), terminate: () => {} };
}

/** What was last sent for one shard: message id → a signature of its searchable state. */
type ShardState = Map<string, string>;

function signature(message: IndexedMessage): string {
	return `${message.version}:${message.time}:${message.pending ? 1 : 0}:${message.flags}`;
}

export class SearchClient {
	readonly userId: string;
	private readonly transport: Transport;
	private readonly sent = new Map<string, ShardState>();
	private closed = false;
	readonly opened: Promise<OpenResult | null>;

	constructor(userId: string, options: { worker?: boolean } = {}) {
		this.userId = userId;
		this.transport = (options.worker === false ? null : workerTransport()) ?? inPageTransport();
		this.opened = this.request({ type: 'open', userId }) as Promise<OpenResult | null>;
	}

	/** A conversation listed one of its shards: index what changed. */
	listed(channelId: string, shard: number, messages: readonly ListedMessage[]): void {
		if (this.closed) return;
		const key = `${channelId}/${shard}`;
		const indexed: IndexedMessage[] = [];
		for (const message of messages) {
			const doc = toIndexed(message, channelId, shard);
			if (doc) indexed.push(doc);
		}
		const previous = this.sent.get(key);
		const next: ShardState = new Map(indexed.map((doc) => [doc.id, signature(doc)]));
		this.sent.set(key, next);
		if (!previous) {
			// First listing of this shard in this page: the index compares it with what it kept.
			void this.request({ type: 'sync-shard', channelId, shard, messages: indexed });
			return;
		}
		const upserts = indexed.filter((doc) => previous.get(doc.id) !== next.get(doc.id));
		const removes = [...previous.keys()].filter((id) => !next.has(id));
		if (upserts.length > 0 || removes.length > 0) {
			void this.request({ type: 'changes', channelId, shard, upserts, removes });
		}
	}

	removeChannel(channelId: string): void {
		for (const key of [...this.sent.keys()]) {
			if (key.startsWith(`${channelId}/`)) this.sent.delete(key);
		}
		void this.request({ type: 'remove-channel', channelId });
	}

	retainChannels(channelIds: readonly string[]): void {
		void this.request({ type: 'retain-channels', channelIds: [...channelIds] });
	}

	people(people: KnownPerson[]): void {
		if (people.length > 0) void this.request({ type: 'people', people });
	}

	async search(query: LocalQuery): Promise<LocalSearchResult> {
		await this.opened;
		const result = (await this.request({
			type: 'search',
			q: query.q,
			meId: query.meId,
			authorIds: query.authorIds ? [...query.authorIds] : null,
			channelIds: query.channelIds ? [...query.channelIds] : null,
			readable: query.readable ? [...query.readable] : null,
			limit: query.limit
		})) as LocalSearchResult | null;
		return result ?? { hits: [], more: false };
	}

	/** Saves the index now (the page is being hidden). */
	flush(): Promise<void> {
		return this.request({ type: 'flush' }).then(() => undefined);
	}

	/** Saves, then stops the index (its database is closed: sign-out can delete it). */
	async close(): Promise<void> {
		if (this.closed) return;
		const done = this.request({ type: 'close' });
		this.closed = true;
		await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 3_000))]);
		this.transport.terminate();
	}

	private request(request: EngineRequest): Promise<EngineResponse> {
		if (this.closed) return Promise.resolve(null);
		return this.transport.send(request).catch(() => null);
	}
}
