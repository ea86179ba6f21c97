import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { UploadPaceGovernor, type GovernorSettings } from './upload-pace-governor.ts';

/** Holds the event loop, as a burst of upload work on a busy machine would. */
function holdLoop(ms: number): void {
	const until = performance.now() + ms;
	while (performance.now() < until) {
		// busy
	}
}

const governors: UploadPaceGovernor[] = [];
function governor(settings: Partial<GovernorSettings>): UploadPaceGovernor {
	const made = new UploadPaceGovernor({
		ceilingMbPerS: 100,
		floorMbPerS: 10,
		loopDelayLimitMs: 20,
		windowMs: 50,
		idleMs: 60_000,
		...settings
	});
	governors.push(made);
	return made;
}

afterEach(() => {
	for (const made of governors.splice(0)) made.stop();
});

describe('UploadPaceGovernor', () => {
	it('starts at the ceiling and halves the pace for each window in which the loop ran late, down to the floor', async () => {
		const pace = governor({});
		expect(pace.megabytesPerSecond).toBeCloseTo(100);
		await pace.pace.take(1);
		expect(pace.watchingLoop).toBe(true);
		const rates: number[] = [];
		for (let window = 0; window < 5; window++) {
			// A tick of the watch first: a window's first interval is not counted.
			await sleep(15);
			holdLoop(100);
			// The loop turns: the delay histogram's timer fires 100 ms late and records it.
			await sleep(20);
			await pace.pace.take(1);
			rates.push(Math.round(pace.megabytesPerSecond * 10) / 10);
		}
		expect(rates).toEqual([50, 25, 12.5, 10, 10]);
	});

	it('adds a tenth of the ceiling for each window in which the loop kept time, up to the ceiling', async () => {
		// A limit no idle test process reaches, so only the pace's rule is tested here.
		const pace = governor({ loopDelayLimitMs: 1_000 });
		pace.pace.setRate(70);
		await pace.pace.take(1);
		const rates: number[] = [];
		for (let window = 0; window < 4; window++) {
			await sleep(60);
			await pace.pace.take(1);
			rates.push(Math.round(pace.megabytesPerSecond));
		}
		expect(rates).toEqual([80, 90, 100, 100]);
	});

	it('stops watching the loop once uploads have been idle', async () => {
		const pace = governor({ idleMs: 100 });
		await pace.pace.take(1);
		expect(pace.watchingLoop).toBe(true);
		await sleep(350);
		expect(pace.watchingLoop).toBe(false);
		await pace.pace.take(1);
		expect(pace.watchingLoop).toBe(true);
	});
});
