/**
 * The search box language, shared by the browser's local search and the server's: free text
 * (matching partial words, ignoring case and accents) combined with filters.
 *
 *   deplo from:sofia in:platform has:file has:image has:voice has:link mentions:me
 *   before:2026-11-01 after:2026-10-01 is:thread "exact phrase"
 */
export type HasFilter = 'file' | 'image' | 'voice' | 'link';

export const HAS_FILTERS: readonly HasFilter[] = ['file', 'image', 'voice', 'link'];

export interface SearchQuery {
	/** Folded words to match as prefixes, in order. */
	terms: string[];
	/** Folded phrases that must appear as written. */
	phrases: string[];
	from: string[];
	in: string[];
	has: HasFilter[];
	mentionsMe: boolean;
	isThread: boolean;
	before: Date | null;
	after: Date | null;
	/** Filters that could not be understood, to show to the person. */
	problems: string[];
}

export const FILTER_KEYS = ['from', 'in', 'has', 'mentions', 'before', 'after', 'is'] as const;

/** Lower case without accents: "Überprüfung" and "uberprufung" are the same word. */
export function foldText(text: string): string {
	return text
		.normalize('NFD')
		.replace(/\p{M}+/gu, '')
		.toLowerCase();
}

/** Words as search sees them: letters and digits, folded. */
export function wordsOf(text: string): string[] {
	return foldText(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * The words of a message's files' names as search sees them, after its text: "report" finds
 * "Q3-report.pdf", and so does the phrase "q3 report". Voice messages are named by the app
 * ("Voice message.webm"), not by a person, so their names are left out.
 */
export function fileNameWords(attachments: readonly { name: string; kind?: string }[]): string {
	return attachments
		.filter((file) => file.kind !== 'voice')
		.map((file) => wordsOf(file.name).join(' '))
		.filter(Boolean)
		.join(' ');
}

/**
 * What a result shows of a message's files, beside or instead of its text: a voice message is
 * "Voice message", other files are listed by name ("plan.pdf, photo.jpg"); '' for none.
 */
export function attachedLabel(attachments: readonly { name: string; kind?: string }[]): string {
	const voice = attachments.filter((file) => file.kind === 'voice').length;
	const named = attachments.filter((file) => file.kind !== 'voice').map((file) => file.name);
	const voiceLabel = voice === 0 ? [] : [voice === 1 ? 'Voice message' : `${voice} voice messages`];
	return [...voiceLabel, ...named].join(', ');
}

const TOKEN = /(\w+):("[^"]*"|\S+)|"([^"]*)"|(\S+)/g;

export function parseSearchQuery(input: string): SearchQuery {
	const query: SearchQuery = {
		terms: [],
		phrases: [],
		from: [],
		in: [],
		has: [],
		mentionsMe: false,
		isThread: false,
		before: null,
		after: null,
		problems: []
	};
	for (const match of input.matchAll(TOKEN)) {
		const [, key, rawValue, phrase, word] = match;
		if (phrase !== undefined) {
			const folded = wordsOf(phrase).join(' ');
			if (folded) query.phrases.push(folded);
			continue;
		}
		if (key !== undefined && rawValue !== undefined) {
			applyFilter(query, key.toLowerCase(), rawValue.replace(/^"|"$/g, ''), match[0]);
			continue;
		}
		if (word !== undefined && !isBareFilterKey(word)) query.terms.push(...wordsOf(word));
	}
	return query;
}

/**
 * A filter's key still waiting for its value ("from:" as it is being typed): not a word to
 * search for or to highlight. Anything else ending in a colon ("note:") is text.
 */
function isBareFilterKey(word: string): boolean {
	const key = /^(\w+):$/.exec(word)?.[1]?.toLowerCase();
	return key !== undefined && (FILTER_KEYS as readonly string[]).includes(key);
}

function applyFilter(query: SearchQuery, key: string, value: string, raw: string): void {
	const folded = foldText(value.replace(/^@|^#/, ''));
	switch (key) {
		case 'from':
			if (folded) query.from.push(folded);
			return;
		case 'in':
			if (folded) query.in.push(folded);
			return;
		case 'has':
			if ((HAS_FILTERS as readonly string[]).includes(folded)) {
				const kind = folded as HasFilter;
				if (!query.has.includes(kind)) query.has.push(kind);
			} else {
				query.problems.push(
					`Unknown filter ${raw}: use has:file, has:image, has:voice or has:link.`
				);
			}
			return;
		case 'mentions':
			if (folded === 'me') query.mentionsMe = true;
			else query.problems.push(`Unknown filter ${raw}: use mentions:me.`);
			return;
		case 'is':
			if (folded === 'thread') query.isThread = true;
			else query.problems.push(`Unknown filter ${raw}: use is:thread.`);
			return;
		case 'before':
		case 'after': {
			const date = parseDay(value);
			if (!date) query.problems.push(`${raw} is not a date: use ${key}:2026-11-01.`);
			else if (key === 'before') query.before = date;
			else query.after = date;
			return;
		}
		default:
			// Not a filter after all (e.g. "ratio:3"): search it as text.
			query.terms.push(...wordsOf(raw));
	}
}

/** YYYY-MM-DD (UTC midnight), or null. */
function parseDay(value: string): Date | null {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
	const date = new Date(`${value}T00:00:00Z`);
	return Number.isNaN(date.getTime()) ? null : date;
}

export function isEmptyQuery(query: SearchQuery): boolean {
	return (
		query.terms.length === 0 &&
		query.phrases.length === 0 &&
		query.from.length === 0 &&
		query.in.length === 0 &&
		query.has.length === 0 &&
		!query.mentionsMe &&
		!query.isThread &&
		!query.before &&
		!query.after
	);
}
