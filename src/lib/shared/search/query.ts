/**
 * The search box language, shared by the browser's local search and the server's: free text
 * (matching partial words, ignoring case and accents) combined with filters.
 *
 *   deplo from:sofia in:platform has:file has:image has:link mentions:me
 *   before:2026-11-01 after:2026-10-01 is:thread "exact phrase"
 */
export type HasFilter = 'file' | 'image' | 'link';

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
		if (word !== undefined) query.terms.push(...wordsOf(word));
	}
	return query;
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
			if (folded === 'file' || folded === 'image' || folded === 'link') {
				if (!query.has.includes(folded)) query.has.push(folded);
			} else query.problems.push(`Unknown filter ${raw}: use has:file, has:image or has:link.`);
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
