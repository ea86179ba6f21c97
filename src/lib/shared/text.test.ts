import { describe, expect, it } from 'vitest';
import {
	isInvalidTextIssue,
	multiLineText,
	singleLineText,
	withoutForbiddenCharacters
} from './text.ts';

const refusedEverywhere = [
	'\u0000',
	'a\u0000b',
	'\u0007',
	'\r',
	'\u001b[31m',
	'\u007f',
	'\u0085',
	'\u009f',
	'\ud800',
	'x\udfffy',
	'\u202a',
	'\u202e',
	'\u2066',
	'\u2069'
];
const acceptedEverywhere = [
	'',
	'Ada Lovelace',
	'Zoë Ångström',
	'مرحبا بالعالم',
	'שלום',
	'日本語のチャンネル',
	'family 👨‍👩‍👧 emoji',
	'\u200f right-to-left mark',
	'non\u00a0breaking'
];

describe('text fields', () => {
	it('single-line text refuses controls, lone surrogates and direction overrides, and says which', () => {
		for (const text of [...refusedEverywhere, 'line\nbreak', 'tab\there']) {
			const result = singleLineText().safeParse(text);
			expect(result.success, JSON.stringify(text)).toBe(false);
			expect(result.error!.issues.every(isInvalidTextIssue)).toBe(true);
		}
		expect(singleLineText().safeParse('a\u202eb').error!.issues[0]!.message).toContain('U+202E');
	});

	it('multi-line text keeps line feeds and tabs, and refuses the rest', () => {
		expect(multiLineText().safeParse('first line\n\tindented').success).toBe(true);
		for (const text of refusedEverywhere) {
			expect(multiLineText().safeParse(text).success, JSON.stringify(text)).toBe(false);
		}
	});

	it('accepts every script, emoji and the marks that only hint direction', () => {
		for (const text of acceptedEverywhere) {
			expect(singleLineText().safeParse(text).success, text).toBe(true);
			expect(multiLineText().safeParse(text).success, text).toBe(true);
		}
	});

	it('other issues are not text refusals', () => {
		const issues = singleLineText().max(2).safeParse('long').error!.issues;
		expect(issues.some(isInvalidTextIssue)).toBe(false);
	});
});

describe('withoutForbiddenCharacters', () => {
	it('takes out what the schemas refuse and keeps everything else', () => {
		for (const text of acceptedEverywhere) {
			expect(withoutForbiddenCharacters(text, 'single')).toBe(text);
		}
		expect(withoutForbiddenCharacters('a\u0000b\u202ec\ud800', 'single')).toBe('abc');
		expect(withoutForbiddenCharacters('line\none\ttab\r', 'multi')).toBe('line\none\ttab');
		expect(withoutForbiddenCharacters('line\none', 'single')).toBe('lineone');
		for (const text of refusedEverywhere) {
			const cleaned = withoutForbiddenCharacters(text, 'multi');
			expect(multiLineText().safeParse(cleaned).success).toBe(true);
		}
	});
});
