import { describe, expect, it } from 'vitest';
import { parseSearchQuery } from '$lib/shared/search/query.ts';
import { applyOption, complete, wordAt } from './autocomplete.ts';
import { highlight, highlightTerms } from './highlight.ts';
import {
	fromLocal,
	mergeResults,
	resolveAuthors,
	resolveChannels,
	type ServerHit
} from './results.ts';

const people = [
	{ id: 'p1', name: 'Sofia Álvarez', email: 'sofia@example.test', title: 'Engineer' },
	{ id: 'p2', name: 'Bruno Baker', email: 'bruno.baker@example.test' },
	{ id: 'p3', name: 'Sofia Chen', email: 'schen@example.test' }
];
const channels = [
	{ id: 'c1', label: 'Platform Team', kind: 'team' },
	{ id: 'c2', label: 'General', kind: 'announcements' },
	{ id: 'c3', label: 'Bruno Baker', kind: 'dm' }
];

function text(segments: { text: string; match: boolean }[]): string {
	return segments.map((s) => (s.match ? `[${s.text}]` : s.text)).join('');
}

describe('highlight', () => {
	it('marks the part of each word the query covers, whatever its case and accents', () => {
		const terms = highlightTerms(parseSearchQuery('deplo REL'));
		expect(text(highlight('The Déploiement of the release went well', terms).segments)).toBe(
			'The [Déplo]iement of the [rel]ease went well'
		);
	});

	it('handles decomposed accents and phrase words', () => {
		const terms = highlightTerms(parseSearchQuery('"cafe" uber'));
		expect(text(highlight('Cafe\u0301 und Überprüfung', terms).segments)).toBe(
			'[Cafe\u0301] und [Über]prüfung'
		);
	});

	it('cuts long texts around the first match', () => {
		const long = `${'lorem ipsum '.repeat(60)}needle here ${'dolor sit '.repeat(60)}`;
		const result = highlight(long, ['needle'], 100);
		expect(result.clippedStart).toBe(true);
		expect(result.clippedEnd).toBe(true);
		expect(text(result.segments)).toContain('[needle]');
		expect(text(result.segments).length).toBeLessThanOrEqual(104);
	});
});

describe('filters resolved like the server', () => {
	it('from: matches word prefixes of names and emails', () => {
		expect(resolveAuthors(parseSearchQuery('from:sofia'), people)).toEqual(new Set(['p1', 'p3']));
		expect(resolveAuthors(parseSearchQuery('from:"sofia alv"'), people)).toEqual(new Set(['p1']));
		expect(resolveAuthors(parseSearchQuery('from:schen'), people)).toEqual(new Set(['p3']));
		expect(resolveAuthors(parseSearchQuery('from:nobody'), people)).toEqual(new Set());
		expect(resolveAuthors(parseSearchQuery('hello'), people)).toBeNull();
	});

	it('in: matches part of the channel label', () => {
		expect(resolveChannels(parseSearchQuery('in:platform'), channels)).toEqual(new Set(['c1']));
		expect(resolveChannels(parseSearchQuery('in:#gen'), channels)).toEqual(new Set(['c2']));
		expect(resolveChannels(parseSearchQuery('x'), channels)).toBeNull();
	});
});

describe('merging local and server results', () => {
	const local = fromLocal({
		exact: 0,
		message: {
			id: 'm1',
			channelId: 'c1',
			shard: 0,
			authorId: 'p1',
			threadId: null,
			text: 'deployment today',
			files: '',
			attached: '',
			time: 3_000,
			pending: false,
			mentions: [],
			flags: 0,
			version: 2
		}
	});
	const server = (id: string, text: string, at: number): ServerHit => ({
		id,
		channelId: 'c1',
		channelName: 'Platform Team',
		channelKind: 'team',
		shard: 0,
		authorId: 'p2',
		authorName: 'Bruno Baker',
		threadId: null,
		text,
		attached: '',
		voice: false,
		acceptedAt: new Date(at).toISOString(),
		editedAt: null
	});

	it('keeps each message once (the local copy), ranked exact first then recent', () => {
		const merged = mergeResults(
			[local],
			[
				server('m1', 'old text of m1', 3_000),
				server('m2', 'deploy old', 1_000),
				server('m3', 'deployments', 5_000)
			],
			['deploy']
		);
		expect(merged.map((item) => [item.id, item.source])).toEqual([
			['m2', 'server'],
			['m3', 'server'],
			['m1', 'local']
		]);
		expect(merged.find((item) => item.id === 'm1')?.text).toBe('deployment today');
	});
});

describe('autocomplete', () => {
	const sources = { people, channels, now: new Date(2026, 10, 15, 12) };

	it('completes filter keys', () => {
		const completion = complete('deploy fr', 9, sources);
		expect(completion.options.map((o) => o.insert)).toEqual(['from:']);
		expect(applyOption('deploy fr', completion, completion.options[0]!)).toEqual({
			value: 'deploy from:',
			caret: 12
		});
		expect(complete('m', 1, sources).options.map((o) => o.insert)).toEqual(['mentions:me']);
	});

	it('completes people, channels, kinds and dates', () => {
		const from = complete('from:so', 7, sources);
		expect(from.options.map((o) => o.insert)).toEqual([
			'from:"Sofia Álvarez"',
			'from:"Sofia Chen"'
		]);
		expect(applyOption('from:so x', from, from.options[1]!).value).toBe('from:"Sofia Chen" x');
		expect(complete('in:pla', 6, sources).options.map((o) => o.insert)).toEqual([
			'in:"Platform Team"'
		]);
		expect(complete('has:i', 5, sources).options.map((o) => o.insert)).toEqual(['has:image']);
		expect(complete('before:', 7, sources).options[0]?.insert).toBe('before:2026-11-15');
		expect(complete('after:2026-11-0', 15, sources).options.map((o) => o.detail)).toEqual([
			'A week ago'
		]);
	});

	it('reads a quoted value as one word', () => {
		expect(wordAt('x from:"Sofia Ch', 16)).toEqual({ start: 2, end: 16, word: 'from:"Sofia Ch' });
		expect(complete('x from:"Sofia Ch', 16, sources).options.map((o) => o.label)).toEqual([
			'Sofia Chen'
		]);
	});
});
