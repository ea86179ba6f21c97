import { describe, expect, it } from 'vitest';
import {
	acceptedKey,
	messageKey,
	parseEntryKey,
	parseServerKey,
	parseUserRoot,
	reactionKey,
	userRoot
} from './keys.ts';
import { MAX_ATTACHMENTS_PER_MESSAGE, MAX_MESSAGE_TEXT_LENGTH } from './limits.ts';
import { entryValueProblem, isPlainJson, messageValueSchema } from './values.ts';

const U = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const M = 'abcdef12-2222-4333-8444-555555555555';

const message = (extra: object = {}) => ({
	id: M,
	text: 'hello',
	createdAt: 1,
	mentions: [],
	version: 1,
	...extra
});

describe('keys', () => {
	it('names a person’s map by their id, in one spelling only', () => {
		expect(parseUserRoot(userRoot(U))).toBe(U);
		expect(parseUserRoot(`u:${U.toUpperCase()}`)).toBeNull();
		expect(parseUserRoot('server')).toBeNull();
		expect(() => userRoot('alice')).toThrow(TypeError);
	});

	it.each([
		[messageKey(M), { kind: 'message', messageId: M }],
		[reactionKey(M, '👍'), { kind: 'reaction', messageId: M, emoji: '👍' }],
		[reactionKey(M, '👩‍👩‍👧‍👦'), { kind: 'reaction', messageId: M, emoji: '👩‍👩‍👧‍👦' }],
		[reactionKey(M, ':party:'), { kind: 'reaction', messageId: M, emoji: ':party:' }],
		['read', { kind: 'read' }]
	])('parses %s', (key, parsed) => {
		expect(parseEntryKey(key)).toEqual(parsed);
	});

	it.each([
		`m:${M}x`,
		`m:${M.toUpperCase()}`,
		`r:${M}`,
		`r:${M}:`,
		`r:${M}x👍`,
		`r:${M}:thumbs up`,
		`r:${M}:\u202e👍`,
		`r:${M}:${'x'.repeat(33)}`,
		'Read',
		'm:',
		''
	])('refuses %j', (key) => {
		expect(parseEntryKey(key)).toBeNull();
	});

	it('parses the server’s keys', () => {
		expect(parseServerKey(acceptedKey(U, M))).toEqual({
			kind: 'accepted',
			authorId: U,
			messageId: M
		});
		expect(parseServerKey('archived')).toEqual({ kind: 'archived' });
		expect(parseServerKey(`accepted:${U}:${M}:x`)).toBeNull();
		expect(parseServerKey(`ignored:${U}:${M}`)).toBeNull();
	});
});

describe('values', () => {
	it('accepts a message with everything a message may have', () => {
		const full = message({
			threadId: U,
			mentions: [U, 'channel', 'team'],
			attachments: [
				{
					id: U,
					name: 'a.png',
					size: 10,
					mimeType: 'image/png',
					kind: 'image',
					width: 2,
					height: 3
				}
			],
			editedAt: 5,
			version: 2
		});
		expect(entryValueProblem({ kind: 'message', messageId: M }, full)).toBeNull();
	});

	it.each([
		['text too long', message({ text: 'x'.repeat(MAX_MESSAGE_TEXT_LENGTH + 1) })],
		['no text and no file', message({ text: '' })],
		['a deletion that keeps its text', message({ deleted: true })],
		['a reply to itself', message({ threadId: M })],
		['an unknown field', message({ html: '<b>hi</b>' })],
		['a fractional time', message({ createdAt: 1.5 })],
		['version 0', message({ version: 0 })],
		['an unknown mention', message({ mentions: ['everyone'] })],
		[
			'too many files',
			message({
				attachments: Array.from({ length: MAX_ATTACHMENTS_PER_MESSAGE + 1 }, () => ({
					id: U,
					name: 'f',
					size: 1,
					mimeType: 'text/plain',
					kind: 'file'
				}))
			})
		]
	])('refuses %s', (_name, value) => {
		expect(messageValueSchema.safeParse(value).success).toBe(false);
	});

	it('needs the message id to be the one in the key', () => {
		expect(entryValueProblem({ kind: 'message', messageId: U }, message())).toMatch(/differs/);
	});

	it('keeps to plain JSON', () => {
		expect(isPlainJson({ a: [1, 'x', null, true, { b: 2 }] })).toBe(true);
		expect(isPlainJson({ a: undefined })).toBe(false);
		expect(isPlainJson(Number.NaN)).toBe(false);
		expect(isPlainJson(new Uint8Array(1))).toBe(false);
		expect(isPlainJson(1n)).toBe(false);
		expect(isPlainJson(JSON.parse('{"__proto__": {"a": 1}}'))).toBe(true);
		expect(isPlainJson(Object.assign(Object.create({ a: 1 }), { b: 1 }))).toBe(false);
		expect(isPlainJson([[[[[[[[1]]]]]]]])).toBe(false);
	});
});
