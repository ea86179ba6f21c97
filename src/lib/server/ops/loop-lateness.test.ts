import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { LoopLateness } from './loop-lateness.ts';

function holdLoop(ms: number): void {
	const until = performance.now() + ms;
	while (performance.now() < until) {
		// busy, as a burst of work on the loop would be
	}
}

describe('LoopLateness', () => {
	it('reports how late the loop ran in each window, and only while watching', async () => {
		const lateness = new LoopLateness();
		expect(lateness.take()).toBe(0);
		lateness.start();
		expect(lateness.isWatching).toBe(true);
		// A tick first: the window's first interval is not counted.
		await sleep(15);
		holdLoop(80);
		await sleep(20);
		const late = lateness.take();
		expect(late).toBeGreaterThanOrEqual(60);
		expect(late).toBeLessThan(1_000);
		// The next window starts empty: nothing held the loop in it.
		await sleep(50);
		expect(lateness.take()).toBeLessThan(late);
		lateness.stop();
		expect(lateness.isWatching).toBe(false);
		await sleep(15);
		holdLoop(80);
		await sleep(20);
		expect(lateness.take()).toBe(0);
	});
});
