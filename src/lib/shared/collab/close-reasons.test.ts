import { describe, expect, it } from 'vitest';
import { closeReason, closeReasons, parseCloseReason } from './close-reasons.ts';

describe('close reasons', () => {
	it('carry the code first and the text for people after it', () => {
		expect(closeReason('unavailable')).toEqual({
			code: 4503,
			reason: 'unavailable: the server cannot reach its database'
		});
		expect(closeReason('stale', "writes in another person's area")).toEqual({
			code: 4422,
			reason: "stale: writes in another person's area"
		});
	});

	it('read back as the same code, with the particulars or the code’s own sentence', () => {
		for (const code of Object.keys(closeReasons) as (keyof typeof closeReasons)[]) {
			expect(parseCloseReason(closeReason(code).reason)).toEqual({
				code,
				text: closeReasons[code].text
			});
		}
		expect(parseCloseReason('refused: read-only: no changes allowed')).toEqual({
			code: 'refused',
			text: 'read-only: no changes allowed'
		});
		expect(parseCloseReason('resync')).toEqual({ code: 'resync', text: closeReasons.resync.text });
	});

	it('know no code in a reason of someone else (a socket that went away, a proxy)', () => {
		expect(parseCloseReason('')).toEqual({ code: null, text: '' });
		expect(parseCloseReason('Server closed the connection')).toMatchObject({ code: null });
		expect(parseCloseReason('constructor: x')).toMatchObject({ code: null });
		expect(parseCloseReason('toString')).toMatchObject({ code: null });
	});
});
