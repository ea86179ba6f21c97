import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { keyWords } from '../text.ts';
import type { BreakoutSummary, BreakoutTranscript } from '../types.ts';

/** One transcript of testdata/ with what a person would put in its summary. */
export interface Case {
	file: string;
	transcript: BreakoutTranscript;
	expected: {
		decisions: string[];
		actionItems: { text: string; owner: string | null }[];
		openQuestions: string[];
	};
}

interface CaseFile {
	title: string;
	participants: { id: string; name: string }[];
	messages: { by: string; text: string; after?: number }[];
	expected: Case['expected'];
}

const START = Date.parse('2026-12-01T10:00:00Z');

export function loadCases(directory: string): Case[] {
	return readdirSync(directory)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file) => {
			const data = JSON.parse(readFileSync(path.join(directory, file), 'utf8')) as CaseFile;
			const names = new Map(data.participants.map((person) => [person.id, person.name]));
			let at = START;
			const messages = data.messages.map((message, index) => {
				at += (message.after ?? 30) * 1000;
				const authorName = names.get(message.by);
				if (!authorName) throw new Error(`${file}: message ${index} by unknown ${message.by}`);
				return {
					id: `${file}#${index}`,
					authorId: message.by,
					authorName,
					text: message.text,
					at: new Date(at).toISOString()
				};
			});
			return {
				file,
				transcript: {
					title: data.title,
					startedAt: new Date(START).toISOString(),
					endedAt: new Date(at + 60_000).toISOString(),
					participants: data.participants,
					messages
				},
				expected: data.expected
			};
		});
}

/**
 * A found item matches an expected one when at least 60% of the expected item's key words
 * (stems of its content words, stopwords left out) are among the found item's key words; an
 * action item must also name the same owner. Each found item matches at most one expected item.
 */
export const MATCH_SHARE = 0.6;

export function matches(expected: string, found: string): boolean {
	const wanted = keyWords(expected);
	if (wanted.size === 0) return false;
	const got = keyWords(found);
	let shared = 0;
	for (const word of wanted) if (got.has(word)) shared += 1;
	return shared / wanted.size >= MATCH_SHARE;
}

export interface Tally {
	expected: number;
	found: number;
	/** Expected items that a found item matches. */
	recalled: number;
	/** Found items that match an expected item. */
	correct: number;
}

function tally<E, F>(
	expected: E[],
	found: F[],
	same: (expected: E, found: F) => boolean
): Tally & { missed: E[]; extra: F[] } {
	const used = new Set<number>();
	const missed: E[] = [];
	for (const item of expected) {
		const index = found.findIndex((candidate, i) => !used.has(i) && same(item, candidate));
		if (index >= 0) used.add(index);
		else missed.push(item);
	}
	const extra = found.filter((_, i) => !used.has(i));
	return {
		expected: expected.length,
		found: found.length,
		recalled: expected.length - missed.length,
		correct: used.size,
		missed,
		extra
	};
}

export function score(summary: BreakoutSummary, expected: Case['expected']) {
	return {
		decisions: tally(expected.decisions, summary.decisions, matches),
		actionItems: tally(
			expected.actionItems,
			summary.actionItems,
			(want, got) => (got.owner?.id ?? null) === want.owner && matches(want.text, got.text)
		),
		/** Action items whose text is found, whoever the summary says owns them. */
		actionTexts: tally(expected.actionItems, summary.actionItems, (want, got) =>
			matches(want.text, got.text)
		),
		openQuestions: tally(expected.openQuestions, summary.openQuestions, matches)
	};
}

export function add(a: Tally, b: Tally): Tally {
	return {
		expected: a.expected + b.expected,
		found: a.found + b.found,
		recalled: a.recalled + b.recalled,
		correct: a.correct + b.correct
	};
}

export const EMPTY: Tally = { expected: 0, found: 0, recalled: 0, correct: 0 };

export const recall = (t: Tally) => (t.expected === 0 ? 1 : t.recalled / t.expected);
export const precision = (t: Tally) => (t.found === 0 ? 1 : t.correct / t.found);
