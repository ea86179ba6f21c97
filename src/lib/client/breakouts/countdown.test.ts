import { describe, expect, it } from 'vitest';
import { clockOffset, formatCountdown, timeLeft, timeLeftInWords, urgency } from './countdown.ts';

describe('the countdown on the server’s clock', () => {
	it('learns how far the device’s clock is off from the middle of the round trip', () => {
		// The device's clock runs 5 minutes late; the server answered 200 ms after the request.
		const sentAt = Date.parse('2026-12-05T10:00:00.000Z');
		const receivedAt = sentAt + 200;
		expect(clockOffset('2026-12-05T10:05:00.100Z', sentAt, receivedAt)).toBe(300_000);
		// And one 2 minutes early.
		expect(clockOffset('2026-12-05T09:58:00.100Z', sentAt, receivedAt)).toBe(-120_000);
		expect(clockOffset('not a date', sentAt, receivedAt)).toBe(0);
	});

	it('counts what is left by the server’s clock, whatever the device’s says', () => {
		const endsAt = '2026-12-05T10:10:00.000Z';
		const server = Date.parse('2026-12-05T10:06:30.000Z');
		// A device 5 minutes late and one 2 minutes early show the same 3:30 left.
		for (const deviceSkew of [-300_000, 120_000, 0]) {
			const deviceNow = server + deviceSkew;
			const offset = server - deviceNow;
			expect(timeLeft(endsAt, deviceNow, offset)).toBe(210_000);
			expect(formatCountdown(timeLeft(endsAt, deviceNow, offset))).toBe('3:30');
		}
		expect(timeLeft(endsAt, Date.parse('2026-12-05T10:11:00.000Z'), 0)).toBe(0);
	});

	it('formats m:ss under an hour and h:mm:ss beyond, rounding up to the second', () => {
		expect(formatCountdown(0)).toBe('0:00');
		expect(formatCountdown(-5_000)).toBe('0:00');
		expect(formatCountdown(1)).toBe('0:01');
		expect(formatCountdown(59_001)).toBe('1:00');
		expect(formatCountdown(60_000)).toBe('1:00');
		expect(formatCountdown(61_000)).toBe('1:01');
		expect(formatCountdown(120 * 60_000)).toBe('2:00:00');
		expect(formatCountdown(65 * 60_000 + 9_000)).toBe('1:05:09');
	});

	it('says it in words and tells how urgent it is', () => {
		expect(timeLeftInWords(0)).toBe('Time is up');
		expect(timeLeftInWords(1_000)).toBe('1 second left');
		expect(timeLeftInWords(40_000)).toBe('40 seconds left');
		expect(timeLeftInWords(60_000)).toBe('1 minute left');
		expect(timeLeftInWords(4 * 60_000 + 1)).toBe('5 minutes left');
		expect(timeLeftInWords(90 * 60_000)).toBe('1 h 30 min left');
		expect(timeLeftInWords(120 * 60_000)).toBe('2 h left');
		expect(urgency(10 * 60_000)).toBe('calm');
		expect(urgency(5 * 60_000)).toBe('soon');
		expect(urgency(60_000)).toBe('last');
	});
});
