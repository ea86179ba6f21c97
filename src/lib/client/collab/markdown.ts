/**
 * The safe markdown subset of messages, rendered to an HTML string for `{@html}`.
 *
 * Safety comes from the order of work: the whole text is HTML-escaped first, and every tag in
 * the output is written by this module from a fixed list (strong, em, del, code, pre, a, ul, ol,
 * li, br, span.mention). Nothing the author typed can open a tag or an attribute: `<`, `>`, `"`,
 * `'` and `&` are entities before any pattern looks at the text, and link targets are kept only
 * when they are http, https or mailto URLs.
 *
 * Supported: **bold**, _italic_ / *italic*, ~~strike~~, `inline code`, ``` fenced code ```,
 * [text](url) and bare http(s) links, "- " / "* " bullet and "1. " numbered lists, line breaks,
 * and @mentions of the names given.
 */

export interface MarkdownOptions {
	/** Names that `@Name` highlights (channel members), besides @channel and @team. */
	mentionNames?: readonly string[];
	/** The reader's own name: a mention of them gets the extra class `me`. */
	selfName?: string;
}

const ESCAPES: Record<string, string> = {
	'&': '&amp;',
	'<': '&lt;',
	'>': '&gt;',
	'"': '&quot;',
	"'": '&#39;'
};

export function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (char) => ESCAPES[char]!);
}

function unescapeHtml(text: string): string {
	return text
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&quot;/g, '"')
		.replace(/&#39;/g, "'")
		.replace(/&amp;/g, '&');
}

/** Control characters never render; NUL and friends would also break our placeholders. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/** Placeholders for finished fragments, made of characters the cleaned input cannot hold. */
const HOLD_START = '\u0001';
const HOLD_END = '\u0002';
// eslint-disable-next-line no-control-regex -- the placeholders are made of control characters
const HOLD = /\u0001(\d+)\u0002/g;

class Holder {
	private readonly parts: string[] = [];

	hold(html: string): string {
		this.parts.push(html);
		return `${HOLD_START}${this.parts.length - 1}${HOLD_END}`;
	}

	release(text: string): string {
		// Held parts may hold others (a link inside bold): resolve until none remain.
		let out = text;
		for (let depth = 0; depth < 8 && out.includes(HOLD_START); depth++) {
			out = out.replace(HOLD, (_, index: string) => this.parts[Number(index)] ?? '');
		}
		return out;
	}
}

const SAFE_SCHEMES = /^(https?:\/\/|mailto:)/i;

/** The URL if it may be a link target, else null. Works on the unescaped form. */
export function safeUrl(raw: string): string | null {
	const url = raw.trim();
	if (!SAFE_SCHEMES.test(url)) return null;
	// Whitespace or control characters inside a URL are how scheme checks get fooled.
	// eslint-disable-next-line no-control-regex
	if (/[\s\u0000-\u001f\u007f]/.test(url)) return null;
	try {
		const parsed = new URL(url);
		if (!['http:', 'https:', 'mailto:'].includes(parsed.protocol)) return null;
	} catch {
		return null;
	}
	return url;
}

function link(holder: Holder, escapedUrl: string, escapedLabel: string): string | null {
	const url = safeUrl(unescapeHtml(escapedUrl));
	if (!url) return null;
	return holder.hold(
		`<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer nofollow">${escapedLabel}</a>`
	);
}

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function mentionPattern(names: readonly string[]): RegExp {
	const escaped = [...new Set(names.map((name) => escapeHtml(name.trim())).filter(Boolean))]
		.sort((a, b) => b.length - a.length)
		.map(escapeRegExp);
	const alternatives = ['channel', 'team', ...escaped].join('|');
	return new RegExp(`(^|[^\\p{L}\\p{N}_])@(${alternatives})(?![\\p{L}\\p{N}_])`, 'giu');
}

/** Inline formatting of one line of already-escaped text. */
function inline(text: string, holder: Holder, options: MarkdownOptions, mentions: RegExp): string {
	let out = text;
	// Inline code first: nothing inside it is formatted.
	out = out.replace(/`([^`\n]+)`/g, (_, code: string) => holder.hold(`<code>${code}</code>`));
	// [label](url)
	out = out.replace(
		/\[([^\]\n]{1,500})\]\(([^()\s]{1,2000})\)/g,
		(whole, label: string, url: string) => link(holder, url, label) ?? whole
	);
	// Bare links; trailing punctuation stays outside.
	out = out.replace(
		/(^|[\s(])((?:https?:\/\/|mailto:)[^\s<]+?)(?=[.,;:!?)]*(?:\s|$))/gi,
		(whole, before: string, url: string) => {
			const held = link(holder, url, url);
			return held ? before + held : whole;
		}
	);
	// Mentions before emphasis, so that a mention inside bold is still one.
	const self = options.selfName ? escapeHtml(options.selfName.trim()).toLowerCase() : null;
	mentions.lastIndex = 0;
	out = out.replace(mentions, (_, before: string, name: string) => {
		const group = name.toLowerCase() === 'channel' || name.toLowerCase() === 'team';
		const mine = group || (self !== null && name.toLowerCase() === self);
		const classes = `mention${group ? ' group' : ''}${mine ? ' me' : ''}`;
		return before + holder.hold(`<span class="${classes}">@${name}</span>`);
	});
	out = out.replace(/\*\*(?=\S)([^\n]*?\S)\*\*/g, (_, body: string) =>
		holder.hold(`<strong>${body}</strong>`)
	);
	out = out.replace(/~~(?=\S)([^\n]*?\S)~~/g, (_, body: string) =>
		holder.hold(`<del>${body}</del>`)
	);
	out = out.replace(
		/(^|[^\p{L}\p{N}_*])\*(?=\S)([^*\n]*?\S)\*(?![\p{L}\p{N}_*])/gu,
		(_, before: string, body: string) => before + holder.hold(`<em>${body}</em>`)
	);
	out = out.replace(
		/(^|[^\p{L}\p{N}_])_(?=\S)([^_\n]*?\S)_(?![\p{L}\p{N}_])/gu,
		(_, before: string, body: string) => before + holder.hold(`<em>${body}</em>`)
	);
	return out;
}

type Block =
	| { kind: 'code'; text: string }
	| { kind: 'list'; ordered: boolean; start: number; items: string[] }
	| { kind: 'lines'; lines: string[] };

const BULLET = /^\s{0,3}[-*•]\s+(.*)$/;
const NUMBERED = /^\s{0,3}(\d{1,9})[.)]\s+(.*)$/;

function blocks(text: string): Block[] {
	const result: Block[] = [];
	const lines = text.split('\n');
	let index = 0;
	const pushLine = (line: string) => {
		const last = result[result.length - 1];
		if (last?.kind === 'lines') last.lines.push(line);
		else result.push({ kind: 'lines', lines: [line] });
	};
	while (index < lines.length) {
		const line = lines[index]!;
		if (/^\s*```/.test(line)) {
			const body: string[] = [];
			// Text after the opening fence is a language name: not shown.
			let closed = false;
			index++;
			while (index < lines.length) {
				if (/^\s*```\s*$/.test(lines[index]!)) {
					closed = true;
					index++;
					break;
				}
				body.push(lines[index]!);
				index++;
			}
			if (!closed && body.length === 0) {
				pushLine(line);
				continue;
			}
			result.push({ kind: 'code', text: body.join('\n') });
			continue;
		}
		const bullet = BULLET.exec(line);
		const numbered = bullet ? null : NUMBERED.exec(line);
		if (bullet || numbered) {
			const ordered = numbered !== null;
			const items: string[] = [];
			const start = numbered ? Number(numbered[1]) : 1;
			while (index < lines.length) {
				const current = lines[index]!;
				const match = ordered ? NUMBERED.exec(current) : BULLET.exec(current);
				if (!match) break;
				items.push((ordered ? match[2] : match[1]) ?? '');
				index++;
			}
			result.push({ kind: 'list', ordered, start, items });
			continue;
		}
		pushLine(line);
		index++;
	}
	return result;
}

/** Renders message text to safe HTML. */
export function renderMarkdown(text: string, options: MarkdownOptions = {}): string {
	const clean = escapeHtml(text.replace(/\r\n?/g, '\n').replace(CONTROL, ''));
	const holder = new Holder();
	const mentions = mentionPattern(options.mentionNames ?? []);
	const html = blocks(clean).map((block) => {
		if (block.kind === 'code') return `<pre><code>${block.text}</code></pre>`;
		if (block.kind === 'list') {
			const tag = block.ordered ? 'ol' : 'ul';
			const start = block.ordered && block.start !== 1 ? ` start="${block.start}"` : '';
			const items = block.items.map(
				(item) => `<li>${inline(item, holder, options, mentions)}</li>`
			);
			return `<${tag}${start}>${items.join('')}</${tag}>`;
		}
		const lines = [...block.lines];
		while (lines.length > 0 && lines[0]!.trim() === '') lines.shift();
		while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
		if (lines.length === 0) return '';
		return `<p>${lines.map((line) => inline(line, holder, options, mentions)).join('<br>')}</p>`;
	});
	return holder.release(html.join(''));
}

/** The text without markdown marks, for previews and notifications. */
export function plainText(text: string): string {
	return text
		.replace(/```[^\n]*\n?/g, '')
		.replace(/\*\*(.+?)\*\*/g, '$1')
		.replace(/~~(.+?)~~/g, '$1')
		.replace(/`([^`]+)`/g, '$1')
		.replace(/\[([^\]]+)\]\(([^)]+)\)/g, '$1')
		.replace(/(^|\s)[_*](\S[^_*]*?)[_*](?=\s|$)/g, '$1$2')
		.replace(/\s+/g, ' ')
		.trim();
}
