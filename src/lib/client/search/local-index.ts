import { Index } from 'flexsearch';
import {
	attachedLabel,
	fileNameWords,
	wordsOf,
	type HasFilter,
	type SearchQuery
} from '#shared/search/query.ts';

/**
 * The browser's search index over every message it holds (all loaded shards of all open
 * conversations), with `flexsearch`:
 *
 * - `words`: every folded word indexed by all its prefixes (tokenize "forward"), so "deplo"
 *   finds "deployment" and "Déploiement"; several words must all match (AND).
 * - `exact`: the same words whole, to rank exact-word matches above prefix matches.
 *
 * Documents are numbered (ordinals): an edit indexes the message again under a new ordinal and
 * retires the old one, a deletion retires it; retired ordinals are skipped by search and swept
 * out by a rebuild once they are many. That keeps every change O(words of the message) without
 * flexsearch's per-id registry (which costs as much memory again as the index itself).
 *
 * Plain TypeScript with relative imports: it runs in the search worker, in unit tests and in
 * `bench/search-local.ts` under plain Node.
 */

/** A message as the search index keeps it. */
export interface IndexedMessage {
	id: string;
	channelId: string;
	shard: number;
	authorId: string;
	threadId: string | null;
	text: string;
	/** The words of its files' names (fileNameWords), searched as part of its text. */
	files: string;
	/** Its files as a result shows them (attachedLabel). */
	attached: string;
	/** Server acceptance time, or the sender's clock while pending (ms). */
	time: number;
	pending: boolean;
	mentions: string[];
	/** FLAG_* bits: files, images, voice messages, links. */
	flags: number;
	/** Changes whenever anything searchable changes (edit, acceptance). */
	version: number;
}

export const FLAG_FILE = 1;
export const FLAG_IMAGE = 2;
export const FLAG_LINK = 4;
export const FLAG_VOICE = 8;

const LINK = /https?:\/\/\S/i;

/** What the listing of a conversation says about a message, reduced to what search needs. */
export interface ListedLike {
	id: string;
	authorId: string;
	threadId: string | null;
	text: string;
	createdAt: number;
	acceptedAt: number | null;
	mentions: string[];
	attachments: { kind: string; name: string }[];
	deleted: boolean;
	version: number;
}

/** The indexed form of a listed message; null for what is not searchable (deleted). */
export function toIndexed(
	message: ListedLike,
	channelId: string,
	shard: number
): IndexedMessage | null {
	if (message.deleted) return null;
	let flags = 0;
	if (message.attachments.length > 0) flags |= FLAG_FILE;
	if (message.attachments.some((file) => file.kind === 'image')) flags |= FLAG_IMAGE;
	if (message.attachments.some((file) => file.kind === 'voice')) flags |= FLAG_VOICE;
	if (LINK.test(message.text)) flags |= FLAG_LINK;
	return {
		id: message.id,
		channelId,
		shard,
		authorId: message.authorId,
		threadId: message.threadId,
		text: message.text,
		files: fileNameWords(message.attachments),
		attached: attachedLabel(message.attachments),
		time: message.acceptedAt ?? message.createdAt,
		pending: message.acceptedAt === null,
		mentions: [...message.mentions],
		flags,
		version: message.version
	};
}

/** Same indexed content and state: nothing to do. */
function sameDoc(a: IndexedMessage, b: IndexedMessage): boolean {
	return (
		a.version === b.version &&
		a.time === b.time &&
		a.pending === b.pending &&
		a.shard === b.shard &&
		a.channelId === b.channelId &&
		a.flags === b.flags
	);
}

/** Filters resolved by the caller against people and channels it knows. */
export interface ResolvedFilters {
	/** Only these authors (from:); null for anyone. */
	authorIds: ReadonlySet<string> | null;
	/** Only these channels (in:); null for any. */
	channelIds: ReadonlySet<string> | null;
	/** Channels the person may read now; null when not known (everything held). */
	readable: ReadonlySet<string> | null;
	/** The person searching (mentions:me). */
	meId: string;
}

export interface LocalHit {
	message: IndexedMessage;
	/** How many of the query's words the message has whole (not only as a prefix). */
	exact: number;
}

export interface LocalSearchResult {
	hits: LocalHit[];
	/** The limit was reached: more messages match. */
	more: boolean;
}

/** What is persisted: enough to answer at once on the next start, without re-indexing. */
export interface IndexSnapshot {
	format: number;
	/** [ordinal, message] of every live document. */
	docs: [number, IndexedMessage][];
	nextOrdinal: number;
	words: Record<string, string>;
	exact: Record<string, string>;
}

// 2: documents carry their files' names (a snapshot of format 1 is indexed anew).
export const SNAPSHOT_FORMAT = 2;

/** Words of a query beyond these are ignored (the counters are bytes). */
const MAX_TERMS = 16;

/** A rebuild sweeps retired ordinals out once they are this many and a quarter of the live. */
const SWEEP_AT_LEAST = 2_000;

function newWordIndex(): Index {
	return new Index({
		tokenize: 'forward',
		resolution: 1,
		encode: splitWords
	});
}

function newExactIndex(): Index {
	return new Index({ tokenize: 'strict', resolution: 1, encode: splitWords });
}

/** Content is folded by `wordsOf` before it reaches flexsearch: it only has to split. */
function splitWords(text: string): string[] {
	return text.length === 0 ? [] : text.split(' ');
}

export class LocalSearchIndex {
	private words = newWordIndex();
	private exact = newExactIndex();
	/** ordinal → document (undefined once retired). */
	private docs: (IndexedMessage | undefined)[] = [];
	private ordinalOf = new Map<string, number>();
	/** `${channelId}/${shard}` → message ids indexed from that shard. */
	private byShard = new Map<string, Set<string>>();
	private retired = 0;
	/** Scratch counters per ordinal for intersections and exact-word marks (kept zeroed). */
	private counters: [Uint8Array, Uint8Array] = [new Uint8Array(0), new Uint8Array(0)];

	get size(): number {
		return this.ordinalOf.size;
	}

	get retiredCount(): number {
		return this.retired;
	}

	has(id: string): boolean {
		return this.ordinalOf.has(id);
	}

	get(id: string): IndexedMessage | null {
		const ordinal = this.ordinalOf.get(id);
		return ordinal === undefined ? null : (this.docs[ordinal] ?? null);
	}

	/** Adds or re-indexes a message; returns whether anything changed. */
	upsert(message: IndexedMessage): boolean {
		const ordinal = this.ordinalOf.get(message.id);
		const current = ordinal === undefined ? undefined : this.docs[ordinal];
		if (current && sameDoc(current, message)) return false;
		if (
			current &&
			current.version === message.version &&
			current.text === message.text &&
			current.files === message.files
		) {
			// Only its state changed (accepted, moved): no need to index the words again.
			this.docs[ordinal!] = message;
			this.moveShard(current, message);
			return true;
		}
		if (ordinal !== undefined) this.retire(ordinal);
		this.insert(message);
		this.maybeSweep();
		return true;
	}

	/** Removes a message (deleted, or gone from the shard); returns whether it was there. */
	remove(id: string): boolean {
		const ordinal = this.ordinalOf.get(id);
		if (ordinal === undefined) return false;
		this.retire(ordinal);
		this.maybeSweep();
		return true;
	}

	/**
	 * Brings one shard of one conversation in line with its listing: new and changed messages
	 * are indexed, deleted and vanished ones removed. Returns how many documents changed.
	 */
	syncShard(channelId: string, shard: number, messages: readonly IndexedMessage[]): number {
		let changed = 0;
		const present = new Set<string>();
		for (const message of messages) {
			present.add(message.id);
			if (this.upsert(message)) changed++;
		}
		const key = shardKey(channelId, shard);
		for (const id of [...(this.byShard.get(key) ?? [])]) {
			if (!present.has(id) && this.remove(id)) changed++;
		}
		return changed;
	}

	/** Forgets everything of a channel (access lost). */
	removeChannel(channelId: string): number {
		let removed = 0;
		for (const [key, ids] of [...this.byShard]) {
			if (!key.startsWith(`${channelId}/`)) continue;
			for (const id of [...ids]) if (this.remove(id)) removed++;
		}
		return removed;
	}

	/** Keeps only the given channels (the person's current list). */
	retainChannels(channelIds: ReadonlySet<string>): number {
		let removed = 0;
		const channels = new Set([...this.byShard.keys()].map((key) => key.split('/')[0]!));
		for (const channelId of channels) {
			if (!channelIds.has(channelId)) removed += this.removeChannel(channelId);
		}
		return removed;
	}

	/**
	 * Messages matching the query's words (as prefixes, all of them) and filters, best first:
	 * more whole-word matches first, then the most recent.
	 */
	search(query: SearchQuery, filters: ResolvedFilters, limit = 50): LocalSearchResult {
		if (filters.authorIds?.size === 0 || filters.channelIds?.size === 0) {
			return { hits: [], more: false };
		}
		const terms = query.terms;
		const top = new TopHits(limit);
		const consider = (ordinal: number, exact: number) => {
			const message = this.docs[ordinal];
			// The cheap test first: most candidates cannot make the list any more.
			if (!message || !top.accepts(message, exact)) return;
			if (passes(message, query, filters)) top.offer(message, exact);
		};
		if (terms.length === 0) {
			if (query.phrases.length === 0 && !hasFilter(query)) return { hits: [], more: false };
			for (let ordinal = this.docs.length - 1; ordinal >= 0; ordinal--) consider(ordinal, 0);
			return top.result();
		}
		const candidates = this.candidates(terms);
		if (candidates.length === 0) return { hits: [], more: false };
		const marks = this.exactMarks(terms);
		// Newer ordinals first: mostly the newer messages, so the best few are found early.
		for (let index = candidates.length - 1; index >= 0; index--) {
			const ordinal = candidates[index]!;
			consider(ordinal, marks[ordinal] ?? 0);
		}
		marks.fill(0);
		return top.result();
	}

	snapshot(): IndexSnapshot {
		const docs: [number, IndexedMessage][] = [];
		this.docs.forEach((message, ordinal) => {
			if (message) docs.push([ordinal, message]);
		});
		return {
			format: SNAPSHOT_FORMAT,
			docs,
			nextOrdinal: this.docs.length,
			words: exportIndex(this.words),
			exact: exportIndex(this.exact)
		};
	}

	/** The index as it was persisted; null when the snapshot is of another format. */
	static fromSnapshot(snapshot: IndexSnapshot): LocalSearchIndex | null {
		if (snapshot.format !== SNAPSHOT_FORMAT) return null;
		const index = new LocalSearchIndex();
		for (const [key, data] of Object.entries(snapshot.words)) index.words.import(key, data);
		for (const [key, data] of Object.entries(snapshot.exact)) index.exact.import(key, data);
		index.docs = new Array<IndexedMessage | undefined>(snapshot.nextOrdinal);
		for (const [ordinal, message] of snapshot.docs) {
			index.docs[ordinal] = message;
			index.ordinalOf.set(message.id, ordinal);
			index.shardSet(message).add(message.id);
		}
		index.retired = snapshot.nextOrdinal - snapshot.docs.length;
		return index;
	}

	/** Indexes every live document anew under dense ordinals (drops retired ones). */
	rebuild(): void {
		const live = this.docs.filter((message): message is IndexedMessage => message !== undefined);
		this.words = newWordIndex();
		this.exact = newExactIndex();
		this.docs = [];
		this.ordinalOf.clear();
		this.byShard.clear();
		this.retired = 0;
		for (const message of live) this.insert(message);
	}

	private insert(message: IndexedMessage): void {
		const ordinal = this.docs.length;
		this.docs.push(message);
		this.ordinalOf.set(message.id, ordinal);
		this.shardSet(message).add(message.id);
		const content = searchedWords(message);
		if (content) {
			this.words.add(ordinal, content);
			this.exact.add(ordinal, content);
		}
	}

	private retire(ordinal: number): void {
		const message = this.docs[ordinal];
		if (!message) return;
		this.docs[ordinal] = undefined;
		this.ordinalOf.delete(message.id);
		const key = shardKey(message.channelId, message.shard);
		const set = this.byShard.get(key);
		set?.delete(message.id);
		if (set?.size === 0) this.byShard.delete(key);
		this.retired++;
	}

	private moveShard(before: IndexedMessage, after: IndexedMessage): void {
		if (before.channelId === after.channelId && before.shard === after.shard) return;
		const key = shardKey(before.channelId, before.shard);
		this.byShard.get(key)?.delete(before.id);
		this.shardSet(after).add(after.id);
	}

	private shardSet(message: IndexedMessage): Set<string> {
		const key = shardKey(message.channelId, message.shard);
		let set = this.byShard.get(key);
		if (!set) this.byShard.set(key, (set = new Set()));
		return set;
	}

	private maybeSweep(): void {
		if (this.retired >= SWEEP_AT_LEAST && this.retired * 4 >= this.ordinalOf.size) this.rebuild();
	}

	/**
	 * Ordinals holding every term as a prefix of one of their words. flexsearch answers each
	 * prefix with its posting list; the lists are intersected here, smallest first, with a
	 * counter per ordinal (linear in the lists' lengths, whatever their overlap).
	 */
	private candidates(terms: readonly string[]): number[] {
		const unique = [...new Set(terms)].slice(0, MAX_TERMS);
		const limit = this.docs.length + 1;
		const lists = unique
			.map((term) => this.words.search(term, { limit }) as number[])
			.sort((a, b) => a.length - b.length);
		const smallest = lists[0];
		if (!smallest || smallest.length === 0) return [];
		if (lists.length === 1) return smallest;
		const counts = this.scratch();
		for (const id of smallest) counts[id] = 1;
		for (let step = 1; step < lists.length; step++) {
			for (const id of lists[step]!) if (counts[id] === step) counts[id] = step + 1;
		}
		const result: number[] = [];
		for (const id of smallest) {
			if (counts[id] === lists.length) result.push(id);
			counts[id] = 0;
		}
		return result;
	}

	/** Per ordinal, how many of the terms it holds as whole words. */
	private exactMarks(terms: readonly string[]): Uint8Array {
		const marks = this.scratch(1);
		const limit = this.docs.length + 1;
		for (const term of [...new Set(terms)].slice(0, MAX_TERMS)) {
			for (const id of this.exact.search(term, { limit }) as number[]) marks[id]!++;
		}
		return marks;
	}

	/** Zeroed counters, one per ordinal (two arrays: the intersection's and the marks'). */
	private scratch(which: 0 | 1 = 0): Uint8Array {
		let array = this.counters[which];
		if (array.length < this.docs.length) {
			array = new Uint8Array(this.docs.length + 4096);
			this.counters[which] = array;
		}
		return array;
	}
}

function shardKey(channelId: string, shard: number): string {
	return `${channelId}/${shard}`;
}

function hasFilter(query: SearchQuery): boolean {
	return (
		query.from.length > 0 ||
		query.in.length > 0 ||
		query.has.length > 0 ||
		query.mentionsMe ||
		query.isThread ||
		query.before !== null ||
		query.after !== null
	);
}

/** The filters of the search language, with the same meaning as the server's. */
const HAS_FLAG: Record<HasFilter, number> = {
	file: FLAG_FILE,
	image: FLAG_IMAGE,
	voice: FLAG_VOICE,
	link: FLAG_LINK
};

/** A message's folded words as search matches them: its text, then its files' names. */
function searchedWords(message: IndexedMessage): string {
	const words = wordsOf(message.text).join(' ');
	const files = message.files;
	return words && files ? `${words} ${files}` : words || files;
}

export function passes(
	message: IndexedMessage,
	query: SearchQuery,
	filters: ResolvedFilters
): boolean {
	if (filters.readable && !filters.readable.has(message.channelId)) return false;
	if (filters.channelIds && !filters.channelIds.has(message.channelId)) return false;
	if (filters.authorIds && !filters.authorIds.has(message.authorId)) return false;
	for (const has of query.has) {
		if ((message.flags & HAS_FLAG[has]) === 0) return false;
	}
	if (
		query.mentionsMe &&
		!message.mentions.includes(filters.meId) &&
		!message.mentions.includes('channel')
	) {
		return false;
	}
	if (query.isThread && message.threadId === null) return false;
	if (query.before && message.time >= query.before.getTime()) return false;
	if (query.after && message.time < query.after.getTime()) return false;
	if (query.phrases.length > 0) {
		const folded = ` ${searchedWords(message)} `;
		if (!query.phrases.every((phrase) => folded.includes(` ${phrase}`))) return false;
	}
	return true;
}

/** Better first: more exact words, then more recent, then by id (stable). */
export function compareHits(a: LocalHit, b: LocalHit): number {
	if (a.exact !== b.exact) return b.exact - a.exact;
	if (a.message.time !== b.message.time) return b.message.time - a.message.time;
	return a.message.id < b.message.id ? -1 : a.message.id > b.message.id ? 1 : 0;
}

/** The best `limit` hits seen, in a min-heap (worst at the root), without sorting them all. */
class TopHits {
	private readonly heap: LocalHit[] = [];
	private readonly limit: number;

	constructor(limit: number) {
		this.limit = Math.max(0, limit);
	}

	private dropped = false;

	/** Whether a hit like this would enter the list (before checking its filters). */
	accepts(message: IndexedMessage, exact: number): boolean {
		if (this.heap.length < this.limit) return true;
		const worst = this.heap[0];
		if (!worst) return false;
		if (compareHits({ message, exact }, worst) < 0) return true;
		this.dropped = true;
		return false;
	}

	offer(message: IndexedMessage, exact: number): void {
		if (this.limit === 0) return;
		const hit = { message, exact };
		const heap = this.heap;
		if (heap.length < this.limit) {
			heap.push(hit);
			this.up(heap.length - 1);
		} else if (compareHits(hit, heap[0]!) < 0) {
			heap[0] = hit;
			this.down(0);
			this.dropped = true;
		}
	}

	result(): LocalSearchResult {
		return { hits: [...this.heap].sort(compareHits), more: this.dropped };
	}

	/** Whether a is worse than b (belongs nearer the root). */
	private worse(a: number, b: number): boolean {
		return compareHits(this.heap[a]!, this.heap[b]!) > 0;
	}

	private up(index: number): void {
		const heap = this.heap;
		while (index > 0) {
			const parent = (index - 1) >> 1;
			if (!this.worse(index, parent)) return;
			[heap[index], heap[parent]] = [heap[parent]!, heap[index]!];
			index = parent;
		}
	}

	private down(index: number): void {
		const heap = this.heap;
		for (;;) {
			const left = index * 2 + 1;
			const right = left + 1;
			let worst = index;
			if (left < heap.length && this.worse(left, worst)) worst = left;
			if (right < heap.length && this.worse(right, worst)) worst = right;
			if (worst === index) return;
			[heap[index], heap[worst]] = [heap[worst]!, heap[index]!];
			index = worst;
		}
	}
}

function exportIndex(index: Index): Record<string, string> {
	const out: Record<string, string> = {};
	index.export((key, data) => {
		out[key] = data;
	});
	return out;
}
