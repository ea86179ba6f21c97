import { describe, expect, it } from 'vitest';
import { ReceivePace } from './receive-pace.ts';

const MB = 1024 * 1024;

describe('ReceivePace', () => {
	it('lets a burst through without waiting', async () => {
		const pace = new ReceivePace(10, 2);
		expect(await pace.take(1 * MB)).toBe(0);
		expect(await pace.take(1 * MB)).toBe(0);
	});

	it('spaces out what comes beyond the burst at its rate, for all callers together', async () => {
		const pace = new ReceivePace(10, 2);
		const started = performance.now();
		// Two uploads of 3 MB each, a megabyte at a time: 2 MB pass at once, 4 MB at 10 MB/s.
		const upload = async () => {
			let waited = 0;
			for (let i = 0; i < 3; i++) waited += await pace.take(1 * MB);
			return waited;
		};
		const waits = await Promise.all([upload(), upload()]);
		expect(performance.now() - started).toBeGreaterThanOrEqual(390);
		expect(waits.every((waited) => waited > 0)).toBe(true);
	});

	it('forgives nothing for time spent idle beyond the burst', async () => {
		const pace = new ReceivePace(10, 1);
		await new Promise((resolve) => setTimeout(resolve, 300));
		// Idle for 300 ms, yet only the 1 MB burst passes at once: the next megabyte waits.
		expect(await pace.take(1 * MB)).toBe(0);
		expect(await pace.take(1 * MB)).toBeGreaterThan(50);
	});
});

describe('ReceivePace.setRate', () => {
	it('spaces what comes next at the new rate', async () => {
		const pace = new ReceivePace(100, 1);
		pace.setRate(10);
		expect(pace.megabytesPerSecond).toBeCloseTo(10);
		expect(await pace.take(1 * MB)).toBe(0);
		// One megabyte beyond the burst at 10 MB/s: about 100 ms, not the 10 ms of 100 MB/s.
		expect(await pace.take(1 * MB)).toBeGreaterThan(80);
	});
});
