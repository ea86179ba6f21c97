import { describe, expect, it } from 'vitest';
import { safeNext } from './auth-helpers.ts';

describe('safeNext', () => {
	it('keeps a path on this site', () => {
		expect(safeNext('/c/general?x=1')).toBe('/c/general?x=1');
	});

	it('refuses other sites, and characters no Location header may carry', () => {
		for (const next of [
			null,
			'https://evil.example',
			'//evil.example',
			'/\\evil.example',
			'/home\u0000',
			'/home\r\nSet-Cookie: cf_session=stolen',
			'/\u202eevil'
		]) {
			expect(safeNext(next), JSON.stringify(next)).toBe('/home');
		}
	});
});
