import { describe, expect, it } from 'vitest';
import { notificationTarget, parsePushPayload } from './payload.ts';

describe('push payload', () => {
	it('accepts show and close, and nothing else', () => {
		const show = { type: 'show', tag: 'c:1', title: 'T', body: 'B', url: '/c/1', icon: '/i' };
		expect(parsePushPayload(show)).toEqual(show);
		expect(parsePushPayload({ type: 'close', tag: 'c:1' })).toEqual({ type: 'close', tag: 'c:1' });
		expect(parsePushPayload({ type: 'show', tag: 'c:1' })).toBeNull();
		expect(parsePushPayload({ type: 'explode' })).toBeNull();
		expect(parsePushPayload('text')).toBeNull();
		expect(parsePushPayload(null)).toBeNull();
	});

	it('opens pages of this origin only', () => {
		const origin = 'https://chat.example.com';
		expect(notificationTarget('/c/abc?message=m1', origin)).toBe(`${origin}/c/abc?message=m1`);
		expect(notificationTarget('https://evil.example/c/abc', origin)).toBe(`${origin}/home`);
		expect(notificationTarget('//evil.example/x', origin)).toBe(`${origin}/home`);
		expect(notificationTarget('javascript:alert(1)', origin)).toBe(`${origin}/home`);
		expect(notificationTarget(undefined, origin)).toBe(`${origin}/home`);
	});
});
