import { foldText, wordsOf, type SearchQuery } from '#shared/search/query.ts';
import { FLAG_VOICE, type IndexedMessage, type LocalHit } from './local-index.ts';
import type { SearchHit } from '#shared/api/search.schema.ts';

/**
 * Between the local index and the screen: the query's people and channels resolved the way
 * the server resolves them, and local hits merged with the server's without duplicates.
 */

export interface KnownPerson {
	id: string;
	name: string;
	email?: string;
}

export interface KnownChannel {
	id: string;
	/** What the person calls it: the channel's name, or the other people of a DM. */
	label: string;
	kind: string;
}

/** A hit of the server's `/api/search` (its contract's type). */
export type ServerHit = SearchHit;

export interface SearchItem extends Pick<
	IndexedMessage,
	'id' | 'channelId' | 'shard' | 'authorId' | 'threadId' | 'text' | 'time' | 'pending' | 'attached'
> {
	/** Whole-word matches of the query's words (ranking). */
	exact: number;
	/** It carries a voice message (the files line shows a microphone). */
	voice: boolean;
	/** Where it was found: this browser, or only the server (history not held here). */
	source: 'local' | 'server';
	/** From the server, for people and channels this browser does not know. */
	authorName?: string;
	channelName?: string;
}

/**
 * People a from: names: every part of every value starts a word of their name or email
 * (the server's rule). Null when the query has no from:.
 */
export function resolveAuthors(
	query: Pick<SearchQuery, 'from'>,
	people: Iterable<KnownPerson>
): Set<string> | null {
	return idsMatching(query.from, people, (person) => {
		const words = `${foldText(person.name)} ${foldText(person.email ?? '')}`
			.split(/[\s.@]+/)
			.filter(Boolean);
		return query.from.every((name) =>
			name
				.split(/\s+/)
				.filter(Boolean)
				.every((part) => words.some((word) => word.startsWith(part)))
		);
	});
}

/** Channels an in: names: their folded label contains one of the values (the server's rule). */
export function resolveChannels(
	query: Pick<SearchQuery, 'in'>,
	channels: Iterable<KnownChannel>
): Set<string> | null {
	return idsMatching(query.in, channels, (channel) => {
		const label = foldText(channel.label);
		return query.in.some((name) => label.includes(name));
	});
}

/** The ids of the `items` that match a filter's values; null when the filter has none. */
function idsMatching<T extends { id: string }>(
	values: readonly string[],
	items: Iterable<T>,
	matches: (item: T) => boolean
): Set<string> | null {
	if (values.length === 0) return null;
	const ids = new Set<string>();
	for (const item of items) if (matches(item)) ids.add(item.id);
	return ids;
}

/** The channels a person may read now (the list), or null when the list is not known. */
export function readableChannels(channels: readonly KnownChannel[]): Set<string> | null {
	return channels.length > 0 ? new Set(channels.map((channel) => channel.id)) : null;
}

export function fromLocal(hit: LocalHit): SearchItem {
	const message: IndexedMessage = hit.message;
	return {
		id: message.id,
		channelId: message.channelId,
		shard: message.shard,
		authorId: message.authorId,
		threadId: message.threadId,
		text: message.text,
		// An index written before results showed files has none.
		attached: message.attached ?? '',
		voice: (message.flags & FLAG_VOICE) !== 0,
		time: message.time,
		pending: message.pending,
		exact: hit.exact,
		source: 'local'
	};
}

export function fromServer(hit: ServerHit, terms: readonly string[]): SearchItem {
	const words = new Set(wordsOf(hit.text));
	return {
		id: hit.id,
		channelId: hit.channelId,
		shard: hit.shard,
		authorId: hit.authorId,
		threadId: hit.threadId,
		text: hit.text,
		attached: hit.attached,
		voice: hit.voice,
		time: Date.parse(hit.acceptedAt),
		pending: false,
		exact: new Set(terms).size === 0 ? 0 : [...new Set(terms)].filter((t) => words.has(t)).length,
		source: 'server',
		authorName: hit.authorName,
		channelName: hit.channelName
	};
}

export function compareItems(a: SearchItem, b: SearchItem): number {
	if (a.exact !== b.exact) return b.exact - a.exact;
	if (a.time !== b.time) return b.time - a.time;
	return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * One list: what this browser holds (fresher: edits and deletions made here show at once) and
 * what only the server has, each message once, ranked alike.
 */
export function mergeResults(
	local: readonly SearchItem[],
	server: readonly ServerHit[],
	terms: readonly string[]
): SearchItem[] {
	const seen = new Set(local.map((item) => item.id));
	const merged = [...local];
	for (const hit of server) {
		if (seen.has(hit.id)) continue;
		seen.add(hit.id);
		merged.push(fromServer(hit, terms));
	}
	return merged.sort(compareItems);
}
