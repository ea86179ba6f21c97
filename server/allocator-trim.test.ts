import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { AllocatorTrimmer, loadMallocTrim } from './allocator-trim.ts';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** This process's resident anonymous memory (MB), as the kernel counts it. */
function residentAnonymousMb(): number {
	const line = readFileSync('/proc/self/status', 'utf8').match(/^RssAnon:\s+(\d+) kB$/m);
	return Number(line![1]) / 1024;
}

/**
 * 4,000 buffers of 16 KiB (malloc'd below the mapping threshold, in the arena), every eighth
 * kept: 56 MB of free blocks once collected, each between two live ones, none at the top. (In a
 * function of its own: the whole array dies with its frame.)
 */
function fragmentCHeap(): Buffer[] {
	const buffers = Array.from({ length: 4_000 }, () => Buffer.allocUnsafeSlow(16 * 1024).fill(1));
	return buffers.filter((_, index) => index % 8 === 0);
}

describe('AllocatorTrimmer', () => {
	it('hands back the free pages left between live blocks of the C heap', async () => {
		const trim = loadMallocTrim();
		expect(trim).not.toBeNull();
		const trimmer = new AllocatorTrimmer(trim!);
		const kept = fragmentCHeap();
		// The first collection finds the buffers dead but frees their memory on a background
		// thread, or at the start of the next collection: the second is what makes sure they are
		// freed before the trim (with one, the trim raced that thread and lost under load in CI).
		collectGarbage();
		collectGarbage();
		// Freed, yet resident: the trim is what takes them down.
		const beforeTrim = residentAnonymousMb();
		expect(await trimmer.trimNow()).toBe(true);
		expect(beforeTrim - residentAnonymousMb()).toBeGreaterThan(30);
		expect(kept).toHaveLength(500);
	});

	it('runs one trim at a time and stops its timer', async () => {
		let calls = 0;
		let finish: (released: boolean) => void = () => {};
		const trimmer = new AllocatorTrimmer(() => {
			calls++;
			return new Promise((resolve) => (finish = resolve));
		}, 20);
		const first = trimmer.trimNow();
		expect(await trimmer.trimNow()).toBe(false);
		finish(true);
		expect(await first).toBe(true);
		trimmer.start();
		await new Promise((resolve) => setTimeout(resolve, 70));
		trimmer.stop();
		const afterStop = calls;
		await new Promise((resolve) => setTimeout(resolve, 60));
		expect(afterStop).toBeGreaterThanOrEqual(2);
		expect(calls).toBe(afterStop);
	});
});
