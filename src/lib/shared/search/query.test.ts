import { describe, expect, it } from 'vitest';
import { attachedLabel, foldText, isEmptyQuery, parseSearchQuery, wordsOf } from './query.ts';

describe('search query parser', () => {
	it('folds case and accents', () => {
		expect(foldText('Überprüfung Déploiement')).toBe('uberprufung deploiement');
		expect(wordsOf('Deploy-ment, v2.1!')).toEqual(['deploy', 'ment', 'v2', '1']);
	});

	it('splits free text into prefix terms', () => {
		const query = parseSearchQuery('  Deplo  Stagíng ');
		expect(query.terms).toEqual(['deplo', 'staging']);
		expect(query.problems).toEqual([]);
	});

	it('reads every filter, combined with text', () => {
		const query = parseSearchQuery(
			'deplo from:@Sofia in:#platform has:file has:image has:link mentions:me before:2026-11-01 after:2026-10-01 is:thread'
		);
		expect(query).toMatchObject({
			terms: ['deplo'],
			from: ['sofia'],
			in: ['platform'],
			has: ['file', 'image', 'link'],
			mentionsMe: true,
			isThread: true,
			problems: []
		});
		expect(query.before?.toISOString()).toBe('2026-11-01T00:00:00.000Z');
		expect(query.after?.toISOString()).toBe('2026-10-01T00:00:00.000Z');
	});

	it('keeps quoted phrases and quoted filter values', () => {
		const query = parseSearchQuery('"release notes" from:"Sofia Álvarez" in:"Data & ML"');
		expect(query.phrases).toEqual(['release notes']);
		expect(query.from).toEqual(['sofia alvarez']);
		expect(query.in).toEqual(['data & ml']);
	});

	it('reports filters it cannot understand and treats unknown keys as text', () => {
		const query = parseSearchQuery('has:video before:yesterday mentions:you is:open ratio:3');
		expect(query.problems).toHaveLength(4);
		expect(query.terms).toEqual(['ratio', '3']);
	});

	it('does not search for a filter key still waiting for its value', () => {
		const query = parseSearchQuery('deplo from: IN: note: mentions:');
		expect(query.terms).toEqual(['deplo', 'note']);
		expect(query.from).toEqual([]);
		expect(query.problems).toEqual([]);
		expect(isEmptyQuery(parseSearchQuery('from:'))).toBe(true);
	});

	it('knows an empty query', () => {
		expect(isEmptyQuery(parseSearchQuery('   '))).toBe(true);
		expect(isEmptyQuery(parseSearchQuery('has:link'))).toBe(false);
	});

	it("labels a result's files: voice messages first, then names", () => {
		expect(attachedLabel([])).toBe('');
		expect(attachedLabel([{ name: 'Voice message.webm', kind: 'voice' }])).toBe('Voice message');
		expect(
			attachedLabel([
				{ name: 'plan.pdf', kind: 'file' },
				{ name: 'a.webm', kind: 'voice' },
				{ name: 'b.webm', kind: 'voice' }
			])
		).toBe('2 voice messages, plan.pdf');
	});
});
