import { describe, expect, it } from 'vitest';
import { escapeHtml, plainText, renderMarkdown, safeUrl } from './markdown.ts';

/** Every tag the renderer may produce; anything else in the output is an injection. */
const ALLOWED_TAGS = new Set([
	'p',
	'br',
	'strong',
	'em',
	'del',
	'code',
	'pre',
	'a',
	'ul',
	'ol',
	'li',
	'span',
	'button'
]);

function tagsOf(html: string): string[] {
	return [...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9-]*)/g)].map((match) => match[1]!.toLowerCase());
}

function expectSafe(html: string) {
	for (const tag of tagsOf(html))
		expect(ALLOWED_TAGS.has(tag), `tag <${tag}> in ${html}`).toBe(true);
	// No event handler or style attribute can appear inside a tag.
	for (const tag of html.match(/<[^>]*>/g) ?? []) {
		expect(tag, html).not.toMatch(/\son[a-z]+\s*=/i);
		expect(tag, html).not.toMatch(/\sstyle\s*=/i);
		expect(tag, html).not.toMatch(/javascript:|data:|vbscript:/i);
	}
}

describe('renderMarkdown', () => {
	it('formats bold, italic, strike and inline code', () => {
		expect(renderMarkdown('**bold** and _it_ and *also* and ~~gone~~ and `x < y`')).toBe(
			'<p><strong>bold</strong> and <em>it</em> and <em>also</em> and <del>gone</del> and <code>x &lt; y</code></p>'
		);
	});

	it('leaves marks inside words and inside code alone', () => {
		expect(renderMarkdown('snake_case_name and 2*3*4')).toBe('<p>snake_case_name and 2*3*4</p>');
		expect(renderMarkdown('`**not bold**`')).toBe('<p><code>**not bold**</code></p>');
	});

	it('renders fenced code blocks verbatim and escaped', () => {
		expect(renderMarkdown('before\n```ts\nconst a = "<b>";\n**x**\n```\nafter')).toBe(
			'<p>before</p><pre><code>const a = &quot;&lt;b&gt;&quot;;\n**x**</code></pre><p>after</p>'
		);
	});

	it('renders bullet and numbered lists', () => {
		expect(renderMarkdown('Plan:\n- one\n- **two**\n\n1. first\n2. second')).toBe(
			'<p>Plan:</p><ul><li>one</li><li><strong>two</strong></li></ul><ol><li>first</li><li>second</li></ol>'
		);
		expect(renderMarkdown('3. third\n4. fourth')).toBe(
			'<ol start="3"><li>third</li><li>fourth</li></ol>'
		);
	});

	it('keeps line breaks', () => {
		expect(renderMarkdown('a\nb')).toBe('<p>a<br>b</p>');
	});

	it('links http, https and mailto with safe attributes', () => {
		const html = renderMarkdown(
			'see https://example.com/a?b=1&c=2. or [docs](https://docs.example.com) or mailto:a@b.co'
		);
		expect(html).toContain(
			'<a href="https://example.com/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer nofollow">https://example.com/a?b=1&amp;c=2</a>.'
		);
		expect(html).toContain(
			'<a href="https://docs.example.com" target="_blank" rel="noopener noreferrer nofollow">docs</a>'
		);
		expect(html).toContain('href="mailto:a@b.co"');
		expectSafe(html);
	});

	it('does not format inside link targets', () => {
		const html = renderMarkdown('https://example.com/some_path_here_x');
		expect(html).toContain('href="https://example.com/some_path_here_x"');
		expect(html).not.toContain('<em>');
	});

	it('highlights mentions of members and groups', () => {
		const html = renderMarkdown('hi @Ada Lovelace and @channel, not me@example', {
			mentionNames: ['Ada Lovelace', 'Ada'],
			selfName: 'Ada Lovelace'
		});
		expect(html).toBe(
			'<p>hi <span class="mention me">@Ada Lovelace</span> and <span class="mention group me">@channel</span>, not me@example</p>'
		);
		expect(renderMarkdown('**@Bob**', { mentionNames: ['Bob'] })).toBe(
			'<p><strong><span class="mention">@Bob</span></strong></p>'
		);
	});

	it('makes a mention of a known person a button to their profile card', () => {
		const id = '6f1c2d9e-0000-4000-8000-000000000001';
		expect(
			renderMarkdown('hi @Bob Baker and @channel', {
				mentionPeople: [{ id, name: 'Bob Baker' }],
				selfName: 'Ada'
			})
		).toBe(
			`<p>hi <button type="button" class="mention" data-person-id="${id}" aria-haspopup="dialog">@Bob Baker</button> and <span class="mention group me">@channel</span></p>`
		);
		// The id is an attribute value: whatever it holds stays inside its quotes.
		const html = renderMarkdown('@Eve', {
			mentionPeople: [{ id: '"><img src=x onerror=alert(1)>', name: 'Eve' }]
		});
		expect(tagsOf(html)).toEqual(['p', 'button', 'button', 'p']);
		expect(html).toContain('data-person-id="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"');
	});

	it("highlights @team as the reader's own only for members of that team", () => {
		expect(renderMarkdown('@team standup', { teamIncludesSelf: true })).toBe(
			'<p><span class="mention group me">@team</span> standup</p>'
		);
		expect(renderMarkdown('@team standup and @channel', { teamIncludesSelf: false })).toBe(
			'<p><span class="mention group">@team</span> standup and <span class="mention group me">@channel</span></p>'
		);
	});

	it('renders block quotes, with formatting and breaks inside', () => {
		expect(renderMarkdown('> quoted **bold**\n> second line\n\nafter')).toBe(
			'<blockquote><p>quoted <strong>bold</strong><br>second line</p></blockquote><p>after</p>'
		);
		expect(renderMarkdown('> - a\n> - @Bob', { mentionNames: ['Bob'] })).toBe(
			'<blockquote><ul><li>a</li><li><span class="mention">@Bob</span></li></ul></blockquote>'
		);
	});

	it('renders nested lists by indentation', () => {
		expect(renderMarkdown('- a\n  - b\n    - c\n- d')).toBe(
			'<ul><li>a<ul><li>b<ul><li>c</li></ul></li></ul></li><li>d</li></ul>'
		);
		expect(renderMarkdown('1. one\n   - sub\n2. two')).toBe(
			'<ol><li>one<ul><li>sub</li></ul></li><li>two</li></ol>'
		);
	});

	it('keeps headings, tables, rules and images as text, as Slack does', () => {
		expect(renderMarkdown('# heading')).toBe('<p># heading</p>');
		expect(renderMarkdown('text\n---')).toBe('<p>text<br>---</p>');
		expect(renderMarkdown('| a | b |\n|---|---|')).toBe('<p>| a | b |<br>|---|---|</p>');
		expect(renderMarkdown('![x](https://a.example/x.png)')).not.toContain('<img');
	});

	describe('refuses injection', () => {
		const attacks = [
			'<script>alert(1)</script>',
			'<img src=x onerror=alert(1)>',
			'<svg/onload=alert(1)>',
			'<a href="javascript:alert(1)">x</a>',
			'[click](javascript:alert(1))',
			'[click](javascript:alert`1`)',
			'[click](JaVaScRiPt:alert)',
			'[click]( javascript:alert)',
			'[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
			'[x](vbscript:msgbox)',
			'[x](https://ok.example" onmouseover="alert(1))',
			'https://ok.example/"onmouseover="alert(1)"',
			"https://ok.example/'><script>alert(1)</script>",
			'[<img src=x onerror=alert(1)>](https://ok.example)',
			'**<b onclick=alert(1)>bold</b>**',
			'`<script>alert(1)</script>`',
			'```\n</code></pre><script>alert(1)</script>\n```',
			'- <iframe src=javascript:alert(1)>',
			'@<img src=x onerror=alert(1)>',
			'&lt;script&gt;alert(1)&lt;/script&gt;',
			'\u00010\u0002<script>',
			'java\tscript:alert(1)',
			'[x](java\nscript:alert(1))'
		];
		for (const attack of attacks) {
			it(JSON.stringify(attack), () => {
				const html = renderMarkdown(attack, { mentionNames: ['<img src=x onerror=alert(1)>'] });
				expectSafe(html);
				expect(html).not.toMatch(/<script|<img|<svg|<iframe|<b /i);
			});
		}

		it('shows the attempted markup as text', () => {
			expect(renderMarkdown('<script>alert(1)</script>')).toBe(
				'<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>'
			);
			expect(renderMarkdown('&lt;')).toBe('<p>&amp;lt;</p>');
		});

		it('keeps a javascript: link as plain text', () => {
			expect(renderMarkdown('[click](javascript:alert)')).toBe('<p>[click](javascript:alert)</p>');
		});
	});
});

describe('safeUrl', () => {
	it('accepts http, https and mailto only', () => {
		expect(safeUrl('https://a.example/x')).toBe('https://a.example/x');
		expect(safeUrl('http://a.example')).toBe('http://a.example');
		expect(safeUrl('mailto:x@y.z')).toBe('mailto:x@y.z');
		expect(safeUrl('javascript:alert(1)')).toBeNull();
		expect(safeUrl('ftp://a.example')).toBeNull();
		expect(safeUrl('//a.example')).toBeNull();
		expect(safeUrl('https://a.example/\nx')).toBeNull();
	});
});

describe('escapeHtml and plainText', () => {
	it('escapes the five characters', () => {
		expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
			'&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;'
		);
	});
	it('drops marks for previews', () => {
		expect(plainText('**Deploy** at `noon`, see [notes](https://x.example)')).toBe(
			'Deploy at noon, see notes'
		);
	});
});
