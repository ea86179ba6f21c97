/**
 * Words of chat, for the built-in summarizer: tokens, a light stemmer, sentences. Plain code with
 * no imports, so the summary thread loads it as is.
 */

const STOPWORDS = new Set(
	(
		'a an the and or but if then so of to in on at by for with from as is are was were be been ' +
		'being am do does did doing have has had having it its it’s this that these those there here ' +
		'i me my we us our you your he him his she her they them their what which who whom whose ' +
		'when where why how all any both each few more most other some such no nor not only own same ' +
		'than too very can could should would will shall may might must just also about into over ' +
		'after before up down out off again once s t d ll m re ve let lets let’s get got go going ' +
		'one thing things think like really maybe still though yet now well even much many per ' +
		'im i’m dont don’t we’re youre that’s thats there’s whats what’s i’ll we’ll you’ll it’ll ' +
		'i’d we’d can’t won’t didn’t doesn’t isn’t aren’t i’ve we’ve'
	).split(/\s+/)
);

/** Lowercased word tokens (letters, digits, `_`, inner `'`, `-`, `.` of numbers), `@` kept off. */
export function tokenize(text: string): string[] {
	return (
		text
			.toLowerCase()
			.replace(/[’‘]/g, "'")
			.match(/[\p{L}\p{N}_]+(?:['\-.][\p{L}\p{N}_]+)*/gu) ?? []
	).map((token) => token.replace(/'/g, '’'));
}

/**
 * A light suffix stripper (plural, -ing, -ed, -ly): enough for "rollbacks" to meet "rollback"
 * and "reviewing" to meet "review" in short chat lines, without a dictionary.
 */
export function stem(word: string): string {
	let w = word.replace(/’s$/, '');
	if (w.length <= 3 || /\d/.test(w)) return w;
	if (w.endsWith('ies') && w.length > 4) return w.slice(0, -3) + 'y';
	if (w.endsWith('sses')) return w.slice(0, -2);
	if (w.endsWith('ing') && w.length > 5) {
		w = w.slice(0, -3);
		if (/([^aeiouls])\1$/.test(w)) w = w.slice(0, -1);
		return w;
	}
	if (w.endsWith('ed') && w.length > 4) {
		w = w.slice(0, -2);
		if (/([^aeiouls])\1$/.test(w)) w = w.slice(0, -1);
		else if (w.endsWith('at') || w.endsWith('iz') || w.endsWith('ut')) w += 'e';
		return w.endsWith('e') ? w.slice(0, -1) : w;
	}
	if (w.endsWith('ly') && w.length > 5) return w.slice(0, -2);
	if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is'))
		w = w.slice(0, -1);
	return w.endsWith('e') && w.length > 4 ? w.slice(0, -1) : w;
}

export function isStopword(token: string): boolean {
	return STOPWORDS.has(token);
}

/** The stems of a text's content words, in order (repeats kept: TF-IDF counts them). */
export function contentStems(text: string): string[] {
	return tokenize(text)
		.filter((token) => !STOPWORDS.has(token))
		.map(stem);
}

/** The set of a text's key words: stems of its content words. */
export function keyWords(text: string): Set<string> {
	return new Set(contentStems(text));
}

/** |a ∩ b| / |a ∪ b|: 1 for the same words, 0 for none shared. */
export function jaccard(a: Set<string>, b: Set<string>): number {
	if (a.size === 0 && b.size === 0) return 1;
	let shared = 0;
	for (const word of a) if (b.has(word)) shared += 1;
	return shared / (a.size + b.size - shared);
}

export function sharedCount(a: Set<string>, b: Set<string>): number {
	let shared = 0;
	for (const word of a) if (b.has(word)) shared += 1;
	return shared;
}

/**
 * A chat message's sentences: split after `.`, `!`, `?` (and runs of them) followed by a space,
 * and at line breaks. Decimal points ("3.8"), versions and "e.g." stay inside.
 */
export function splitSentences(text: string): string[] {
	return (
		text
			.split(/\n+/)
			.flatMap((line) => line.split(/(?<=[.!?])\s+(?=[\p{L}\p{N}@("'“])/u))
			// "Theo owns the inventory, I'll ask the managers": two commitments, two sentences.
			.flatMap((sentence) => sentence.split(/[,;]\s+(?=(?:i'll|i’ll|i will)\s)/iu))
			.map((sentence) => sentence.trim())
			.filter((sentence) => sentence.length > 0)
			.reduce<string[]>((sentences, sentence) => {
				// "e.g. this" and "vs. that" are one sentence.
				const previous = sentences[sentences.length - 1];
				if (previous && /\b(e\.g|i\.e|vs|etc|approx)\.$/i.test(previous))
					sentences[sentences.length - 1] = `${previous} ${sentence}`;
				else sentences.push(sentence);
				return sentences;
			}, [])
	);
}
