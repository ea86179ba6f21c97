import { foldText, wordsOf, type SearchQuery } from '#shared/search/query.ts';

/**
 * Where a result matched, for showing it: the message's own text (never re-rendered as HTML)
 * cut into plain and matching segments, around the first match when the text is long. A word
 * matches when its folded form starts with a query word ("Déploiement" for "deplo"); the part
 * of the original word that the query covers is what shows as the match.
 */

export interface Segment {
	text: string;
	match: boolean;
}

export interface Highlighted {
	segments: Segment[];
	/** Text was cut before / after the segments. */
	clippedStart: boolean;
	clippedEnd: boolean;
}

const WORD = /[\p{L}\p{N}\p{M}]+/gu;

/** The words to highlight: the query's words and the words of its phrases. */
export function highlightTerms(query: Pick<SearchQuery, 'terms' | 'phrases'>): string[] {
	const terms = new Set(query.terms);
	for (const phrase of query.phrases) for (const word of wordsOf(phrase)) terms.add(word);
	// Longest first: "deployment" wins over "de" for the same word.
	return [...terms].filter(Boolean).sort((a, b) => b.length - a.length);
}

/** Length of the prefix of `word` whose folded form covers `foldedLength` characters. */
function originalPrefixLength(word: string, foldedLength: number): number {
	let covered = 0;
	let index = 0;
	for (const char of word) {
		if (covered >= foldedLength) {
			// Combining marks belong to the letter before them.
			if (/\p{M}/u.test(char)) {
				index += char.length;
				continue;
			}
			break;
		}
		covered += foldText(char).length;
		index += char.length;
	}
	return index;
}

export function highlight(text: string, terms: readonly string[], maxLength = 240): Highlighted {
	const ranges: [number, number][] = [];
	if (terms.length > 0) {
		for (const match of text.matchAll(WORD)) {
			const word = match[0];
			const start = match.index ?? 0;
			// Words as search sees them: a word of the text can fold into several ("l’été").
			const folded = foldText(word);
			const term = terms.find((candidate) => folded.startsWith(candidate));
			if (!term) continue;
			ranges.push([start, start + originalPrefixLength(word, term.length)]);
		}
	}
	let from = 0;
	let to = text.length;
	if (text.length > maxLength) {
		const first = ranges[0]?.[0] ?? 0;
		from = Math.max(0, first - Math.floor(maxLength / 4));
		if (from > 0) {
			const space = text.indexOf(' ', from);
			if (space !== -1 && space < first) from = space + 1;
		}
		to = Math.min(text.length, from + maxLength);
		if (to < text.length) {
			const space = text.lastIndexOf(' ', to);
			if (space > from + maxLength / 2) to = space;
		}
	}
	const segments: Segment[] = [];
	let at = from;
	for (const [start, end] of ranges) {
		if (end <= from || start >= to) continue;
		const s = Math.max(start, from);
		const e = Math.min(end, to);
		if (s > at) segments.push({ text: text.slice(at, s), match: false });
		segments.push({ text: text.slice(s, e), match: true });
		at = e;
	}
	if (at < to) segments.push({ text: text.slice(at, to), match: false });
	return { segments, clippedStart: from > 0, clippedEnd: to < text.length };
}
