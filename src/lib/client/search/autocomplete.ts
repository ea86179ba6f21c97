import { foldText, HAS_FILTERS, type HasFilter } from '#shared/search/query.ts';
import type { KnownChannel, KnownPerson } from './results.ts';

const HAS_DETAIL: Record<HasFilter, string> = {
	file: 'Any attached file',
	image: 'Images',
	voice: 'Voice messages',
	link: 'Links'
};

/**
 * Autocomplete of the search box: the word under the caret completes to a filter key
 * ("fr" → "from:") or, after a key, to a value: people for from:, channels for in:, the kinds
 * of has:, dates for before: and after:. Values with spaces are quoted, as the parser reads them.
 */

export interface FilterOption {
	/** What the list shows. */
	label: string;
	/** A second line or hint (a person's title, a date's meaning). */
	detail: string;
	/** The text that replaces the word under the caret. */
	insert: string;
	/** The insert completes a whole filter (a space follows) or only its key (the value follows). */
	complete: boolean;
}

export interface Completion {
	/** The range of the input that the chosen option replaces. */
	start: number;
	end: number;
	options: FilterOption[];
}

export const FILTER_HINTS: { key: string; insert: string; label: string; detail: string }[] = [
	{ key: 'from', insert: 'from:', label: 'from:', detail: 'Messages by a person' },
	{ key: 'in', insert: 'in:', label: 'in:', detail: 'Messages in a channel or conversation' },
	{
		key: 'has',
		insert: 'has:',
		label: 'has:',
		detail: 'With a file, an image, a voice message or a link'
	},
	{
		key: 'mentions',
		insert: 'mentions:me',
		label: 'mentions:me',
		detail: 'Messages that mention you'
	},
	{ key: 'is', insert: 'is:thread', label: 'is:thread', detail: 'Replies in threads' },
	{ key: 'before', insert: 'before:', label: 'before:', detail: 'Before a day (YYYY-MM-DD)' },
	{ key: 'after', insert: 'after:', label: 'after:', detail: 'On or after a day (YYYY-MM-DD)' }
];

const MAX_OPTIONS = 8;

/** The word around the caret (a quoted value counts as part of it). */
export function wordAt(value: string, caret: number): { start: number; end: number; word: string } {
	let start = caret;
	let quotes = 0;
	for (let i = 0; i < caret; i++) if (value[i] === '"') quotes++;
	// Inside an open quote the word goes back to the filter key before it.
	while (start > 0) {
		const char = value[start - 1]!;
		if (char === '"') quotes--;
		if (/\s/.test(char) && quotes % 2 === 0) break;
		start--;
	}
	let end = caret;
	while (end < value.length && !/\s/.test(value[end]!)) end++;
	return { start, end, word: value.slice(start, end) };
}

export function quoteValue(value: string): string {
	return /\s/.test(value) ? `"${value.replace(/"/g, '')}"` : value;
}

/** A calendar day in the person's time zone, as the filters write it. */
export function isoDay(date: Date): string {
	const month = String(date.getMonth() + 1).padStart(2, '0');
	const day = String(date.getDate()).padStart(2, '0');
	return `${date.getFullYear()}-${month}-${day}`;
}

function wordsStartWith(text: string, prefix: string): boolean {
	if (!prefix) return true;
	const folded = foldText(text);
	return folded.startsWith(prefix) || folded.split(/[\s.@_-]+/).some((w) => w.startsWith(prefix));
}

export interface CompletionSources {
	people: readonly (KnownPerson & { title?: string })[];
	channels: readonly KnownChannel[];
	now?: Date;
}

/**
 * The first few of `items` whose name (the first of what `describe` gives) has words starting
 * with what was typed, as options that put `key:name` in the query, with the detail beside it.
 */
function namedOptions<T>(
	key: 'from' | 'in',
	typed: string,
	items: readonly T[],
	describe: (item: T) => [name: string, detail: string]
): FilterOption[] {
	return items
		.map(describe)
		.filter(([name]) => wordsStartWith(name, typed))
		.slice(0, MAX_OPTIONS)
		.map(([name, detail]) => ({
			label: name,
			detail,
			insert: `${key}:${quoteValue(name)}`,
			complete: true
		}));
}

export function complete(value: string, caret: number, sources: CompletionSources): Completion {
	const { start, end, word } = wordAt(value, caret);
	const none = { start, end, options: [] };
	if (word.startsWith('"')) return none;
	const colon = word.indexOf(':');
	if (colon === -1) {
		const typed = word.toLowerCase();
		if (!typed) return none;
		const options = FILTER_HINTS.filter(
			(hint) => hint.key.startsWith(typed) || hint.insert.startsWith(typed)
		)
			.filter((hint) => hint.insert !== typed)
			.map((hint) => ({
				label: hint.label,
				detail: hint.detail,
				insert: hint.insert,
				complete: !hint.insert.endsWith(':')
			}));
		return { start, end, options };
	}
	const key = word.slice(0, colon).toLowerCase();
	const raw = word
		.slice(colon + 1)
		.replace(/^"/, '')
		.replace(/"$/, '');
	const typed = foldText(raw.replace(/^[@#]/, '')).trim();
	let options: FilterOption[] = [];
	switch (key) {
		case 'from':
			options = namedOptions(key, typed, sources.people, (person) => [
				person.name,
				person.title ?? ''
			]);
			break;
		case 'in':
			options = namedOptions(key, typed, sources.channels, (channel) => [
				channel.label,
				channel.kind === 'dm' ? 'Direct message' : `${channel.kind} channel`
			]);
			break;
		case 'has':
			options = HAS_FILTERS.filter((kind) => kind.startsWith(typed)).map((kind) => ({
				label: `has:${kind}`,
				detail: HAS_DETAIL[kind],
				insert: `has:${kind}`,
				complete: true
			}));
			break;
		case 'mentions':
			options = 'me'.startsWith(typed)
				? [{ label: 'mentions:me', detail: 'Mentions you', insert: 'mentions:me', complete: true }]
				: [];
			break;
		case 'is':
			options = 'thread'.startsWith(typed)
				? [{ label: 'is:thread', detail: 'Thread replies', insert: 'is:thread', complete: true }]
				: [];
			break;
		case 'before':
		case 'after': {
			const now = sources.now ?? new Date();
			const days: [string, number][] = [
				['Today', 0],
				['Yesterday', 1],
				['A week ago', 7],
				['A month ago', 30],
				['A year ago', 365]
			];
			options = days
				.map(([label, back]) => {
					const date = new Date(now);
					date.setDate(date.getDate() - back);
					const day = isoDay(date);
					return { label: `${key}:${day}`, detail: label, insert: `${key}:${day}`, complete: true };
				})
				.filter((option) => option.insert.startsWith(`${key}:${raw}`));
			break;
		}
	}
	// A value typed in full needs no completion.
	if (options.length === 1 && options[0]!.insert === word) options = [];
	return { start, end, options };
}

/** The input after choosing an option, and where the caret goes. */
export function applyOption(
	value: string,
	completion: Pick<Completion, 'start' | 'end'>,
	option: FilterOption
): { value: string; caret: number } {
	const before = value.slice(0, completion.start);
	const after = value.slice(completion.end).replace(/^\s+/, '');
	const inserted = option.complete ? `${option.insert} ` : option.insert;
	const next = `${before}${inserted}${after}`;
	return { value: next, caret: before.length + inserted.length };
}
