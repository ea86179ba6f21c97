/**
 * The markdown subset of messages, rendered to an HTML string for `{@html}` by markdown-it.
 *
 * Safety: raw HTML is off (markdown-it escapes every `<`, `>`, `&` and `"` of the text), entities
 * are not decoded (`&lt;` shows as typed), and link targets pass `safeUrl` (http, https and
 * mailto only). Every tag in the output comes from the rules enabled below or the renderer rules
 * written here: p, br, strong, em, del, code, pre, a, ul, ol, li, blockquote, span.mention, and button.mention for a mention of a known
 * person (it opens their profile card; its only attribute value is the person's id, escaped).
 *
 * Supported, as Slack does: **bold**, _italic_ / *italic*, ~~strike~~, `inline code`, ``` fenced
 * code ```, [text](url), bare http(s) and mailto links, bullet and numbered lists (nested by
 * indenting), > block quotes, line breaks, and @mentions of the names given. Headings, tables,
 * rules, images and indented code are not enabled: `# x` stays text.
 */
import MarkdownIt from 'markdown-it';
import type { Env, StateCore, StateInline } from 'markdown-it';

export interface MarkdownOptions {
	/** Names that `@Name` highlights (channel members), besides @channel and @team. */
	mentionNames?: readonly string[];
	/** The reader's own name: a mention of them gets the extra class `me`. */
	selfName?: string;
	/**
	 * People whose mentions open their profile card: each `@Name` of theirs is a button carrying
	 * their id (`data-person-id`). Their names are mentionable, as `mentionNames` are.
	 */
	mentionPeople?: readonly { id: string; name: string }[];
	/** Whether the `@team` of this message names the reader's team (it is `me` then); yes if omitted. */
	teamIncludesSelf?: boolean;
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

/** Control characters never render. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

const SAFE_SCHEMES = /^(https?:\/\/|mailto:)/i;

/** The URL if it may be a link target, else null. */
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

const GROUPS = ['channel', 'team'];
const WORD_CHAR = /[\p{L}\p{N}_]/u;

/** What one render knows besides the text: markdown-it hands it to every rule as `env`. */
interface RenderEnv extends Env {
	/** Lowercased names, longest first, so `@Ada Lovelace` wins over `@Ada`. */
	names: string[];
	self: string | null;
	/** Lowercased name → id of the people whose mentions open their card. */
	ids: Map<string, string>;
	teamIncludesSelf: boolean;
}

/** `@Name` of a given name or group, not inside a word or a link. */
function mention(state: StateInline, silent: boolean): boolean {
	const start = state.pos;
	if (state.src.charCodeAt(start) !== 0x40 /* @ */ || state.linkLevel > 0) return false;
	if (start > 0 && WORD_CHAR.test(state.src.charAt(start - 1))) return false;
	const { names } = state.env as RenderEnv;
	const rest = state.src.slice(start + 1, state.posMax);
	const lowered = rest.toLowerCase();
	const name = names.find(
		(candidate) => lowered.startsWith(candidate) && !WORD_CHAR.test(rest.charAt(candidate.length))
	);
	if (!name) return false;
	if (!silent) {
		const token = state.push('mention', 'span', 0);
		token.content = rest.slice(0, name.length);
	}
	state.pos = start + 1 + name.length;
	return true;
}

/**
 * `_` and `*` emphasise only whole words (`snake_case`, `2*3*4` stay as typed), as in Slack;
 * CommonMark lets `*` split words. Same as markdown-it's emphasis tokenizer otherwise.
 */
function wordEmphasis(state: StateInline, silent: boolean): boolean {
	const marker = state.src.charCodeAt(state.pos);
	if (silent || (marker !== 0x5f /* _ */ && marker !== 0x2a) /* * */) return false;
	const scanned = state.scanDelims(state.pos, false);
	for (let i = 0; i < scanned.length; i++) {
		const token = state.push('text', '', 0);
		token.content = String.fromCharCode(marker);
		state.delimiters.push({
			marker,
			length: scanned.length,
			token: state.tokens.length - 1,
			end: -1,
			open: scanned.can_open,
			close: scanned.can_close
		});
	}
	state.pos += scanned.length;
	return true;
}

/** Tags follow each other without newlines: messages are laid out by CSS, not by source text. */
function compact(state: StateCore): void {
	for (const token of state.tokens) token.block = false;
}

const md = new MarkdownIt('zero', { html: false, linkify: true, breaks: true });
md.enable([
	'blockquote',
	'fence',
	'list',
	'newline',
	'escape',
	'backticks',
	'strikethrough',
	'emphasis',
	'link',
	'autolink',
	'linkify'
]);
md.inline.ruler.at('emphasis', wordEmphasis);
md.inline.ruler.before('emphasis', 'mention', mention);
md.core.ruler.push('compact', compact);
// Only explicit schemes become links: no `www.` guesses, bare e-mail addresses, `//` or ftp.
md.linkify.set({ fuzzyLink: false, fuzzyEmail: false }).add('//', null).add('ftp:', null);
md.validateLink = (url) => safeUrl(url) !== null;

const rules = md.renderer.rules;
rules.fence = (tokens, index) =>
	`<pre><code>${escapeHtml(tokens[index]!.content.replace(/\n$/, ''))}</code></pre>`;
rules.softbreak = () => '<br>';
rules.hardbreak = () => '<br>';
rules.s_open = () => '<del>';
rules.s_close = () => '</del>';
rules.link_open = (tokens, index, options, _env, self) => {
	tokens[index]!.attrSet('target', '_blank');
	tokens[index]!.attrSet('rel', 'noopener noreferrer nofollow');
	return self.renderToken(tokens, index, options);
};
rules.mention = (tokens, index, _options, env) => {
	const typed = tokens[index]!.content;
	const lowered = typed.toLowerCase();
	const group = GROUPS.includes(lowered);
	const { self, ids, teamIncludesSelf } = env as RenderEnv;
	const mine = group ? lowered !== 'team' || teamIncludesSelf : lowered === self;
	const classes = `mention${group ? ' group' : ''}${mine ? ' me' : ''}`;
	const id = group ? undefined : ids.get(lowered);
	if (id) {
		return `<button type="button" class="${classes}" data-person-id="${escapeHtml(id)}" aria-haspopup="dialog">@${escapeHtml(typed)}</button>`;
	}
	return `<span class="${classes}">@${escapeHtml(typed)}</span>`;
};

function envOf(options: MarkdownOptions): RenderEnv {
	const names = new Set(GROUPS);
	for (const name of options.mentionNames ?? []) {
		const trimmed = name.trim().toLowerCase();
		if (trimmed) names.add(trimmed);
	}
	const ids = new Map<string, string>();
	for (const person of options.mentionPeople ?? []) {
		const trimmed = person.name.trim().toLowerCase();
		if (!trimmed) continue;
		names.add(trimmed);
		// Two people of the same name: the first one's card (as the list gives them).
		if (!ids.has(trimmed)) ids.set(trimmed, person.id);
	}
	return {
		names: [...names].sort((a, b) => b.length - a.length),
		self: options.selfName?.trim().toLowerCase() || null,
		ids,
		teamIncludesSelf: options.teamIncludesSelf ?? true
	};
}

const clean = (text: string) => text.replace(CONTROL, '');

/** Renders message text to safe HTML. */
export function renderMarkdown(text: string, options: MarkdownOptions = {}): string {
	return md.render(clean(text), envOf(options));
}

/** The text without markdown marks, for previews and notifications. */
export function plainText(text: string): string {
	const words: string[] = [];
	for (const block of md.parse(clean(text), envOf({}))) {
		for (const token of block.children ?? []) {
			if (token.type === 'softbreak' || token.type === 'hardbreak') words.push(' ');
			else if (token.type === 'mention') words.push(`@${token.content}`);
			else words.push(token.content);
		}
		if (block.type === 'fence') words.push(block.content);
		words.push(' ');
	}
	return words.join('').replace(/\s+/g, ' ').trim();
}
