import { z } from 'zod';
import { defineJobKind, type JobQueue } from '../jobs/job-queue.ts';
import type { BreakoutService } from './breakout.service.ts';

/**
 * The timers of breakout rooms, as jobs: they survive a restart and run once across processes.
 * Each carries the room's timer version; an extension or an early end raises the version, so a
 * timer scheduled before does nothing when it comes (the handler compares it with the stored one).
 */

/**
 * The end of a room, due at its `ends_at`. Polled often and taken in batches: the end must come
 * within 2 s, also when a hundred rooms end in the same minute (bench scenario 12). A batch ends
 * its rooms in one transaction; with batches of 25 the four of a hundred rooms went one after
 * another through PGlite's one session behind the chat's writes (return p99 2.3 s), so a batch
 * takes up to 100.
 */
export const endBreakoutJob = defineJobKind({
	name: 'breakouts.end',
	title: 'End of a breakout room',
	schema: z.object({ breakoutId: z.uuid(), version: z.number().int().nonnegative() }),
	options: { retryDelay: 2, pollingIntervalSeconds: 0.5, concurrency: 2, batchSize: 100 }
});

/** A warning to a room's participants 5 minutes and 1 minute before its end. */
export const warnBreakoutJob = defineJobKind({
	name: 'breakouts.warn',
	title: 'Warning before a breakout room ends',
	schema: z.object({
		breakoutId: z.uuid(),
		version: z.number().int().nonnegative(),
		minutesLeft: z.number().int().positive()
	}),
	options: { retryLimit: 1, retryDelay: 2, pollingIntervalSeconds: 1, concurrency: 5 }
});

/**
 * The summary of an ended room, posted in its parent channel (once: its id is the room's). Taken
 * in batches, so that the summaries of rooms ending together are not one per polling interval.
 */
export const summarizeBreakoutJob = defineJobKind({
	name: 'breakouts.summarize',
	title: 'Summary of a breakout room',
	schema: z.object({ breakoutId: z.uuid() }),
	options: {
		retryLimit: 3,
		retryDelay: 10,
		pollingIntervalSeconds: 1,
		concurrency: 2,
		batchSize: 10
	}
});

/**
 * Every minute: running rooms past their end get their end job again (the same id, so a job
 * still kept adds nothing). Covers a crash between creating a room and scheduling its timer.
 */
export const sweepBreakoutsJob = defineJobKind({
	name: 'breakouts.sweep',
	title: 'Sweep of overdue breakout rooms',
	schema: z.object({}),
	options: { retryLimit: 0 }
});

export const breakoutJobKinds = [
	endBreakoutJob,
	warnBreakoutJob,
	summarizeBreakoutJob,
	sweepBreakoutsJob
] as const;

/** Registers the handlers (app-context.ts). */
export function registerBreakoutJobs(jobs: JobQueue, breakouts: BreakoutService): void {
	jobs.work(endBreakoutJob, ({ breakoutId, version }) => breakouts.endByTimer(breakoutId, version));
	jobs.work(warnBreakoutJob, ({ breakoutId, version, minutesLeft }) =>
		breakouts.warn(breakoutId, version, minutesLeft)
	);
	jobs.work(summarizeBreakoutJob, ({ breakoutId }) => breakouts.summarize(breakoutId));
	jobs.work(sweepBreakoutsJob, () => breakouts.sweep());
	jobs.every(sweepBreakoutsJob, '* * * * *', {});
}

/** Deterministic job ids: one end and one warning of each kind per room and timer version. */
export const breakoutJobIds = {
	end: (breakoutId: string, version: number) => `breakout-end:${breakoutId}:${version}`,
	warn: (breakoutId: string, version: number, minutesLeft: number) =>
		`breakout-warn:${breakoutId}:${version}:${minutesLeft}`,
	summarize: (breakoutId: string) => `breakout-summary:${breakoutId}`
};
