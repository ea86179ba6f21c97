import { describe, expect, it } from 'vitest';
import { parseSearchQuery } from '$lib/shared/search/query.ts';
import { highlightTerms } from './highlight.ts';
import { snippet } from './snippet.ts';

function shown(text: string, query: string): string {
	const result = snippet(text, highlightTerms(parseSearchQuery(query)));
	return result.segments.map((s) => (s.match ? `[${s.text}]` : s.text)).join('');
}

describe('search result snippet', () => {
	it('shows the text without its markdown marks, the matches still marked', () => {
		expect(shown('**Deploy** window at `noon` ~~today~~ _maybe_', 'deplo noon')).toBe(
			'[Deplo]y window at [noon] today maybe'
		);
	});

	it('keeps a link’s words and drops its target, lists and quotes become one line', () => {
		expect(
			shown('See [the release notes](https://wiki.example.com/x)\n\n- one\n- two', 'rel')
		).toBe('See the [rel]ease notes one two');
		expect(shown('> quoted **deploy**\nplain', 'deploy')).toBe('quoted [deploy] plain');
	});

	it('keeps what is not markdown as typed', () => {
		expect(shown('2 * 3 = 6 and a_b_c', 'a')).toBe('2 * 3 = 6 [a]nd [a]_b_c');
		expect(shown('<b>not html</b>', 'html')).toBe('<b>not [html]</b>');
	});

	it('does not mark a filter key still waiting for its value', () => {
		expect(shown('from the start', 'start from:')).toBe('from the [start]');
	});
});
