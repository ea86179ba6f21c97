import { z } from 'zod';
import { defineJobKind, type JobQueue } from '../jobs/job-queue.ts';
import type { BroadcastService } from './broadcast.service.ts';

/**
 * The email and push of an emergency broadcast to its recipients (or, for a reminder, to those
 * named), off the request that sent it. Its id is the broadcast's and the round's, so a second
 * scheduling (a retry of the request, a forged job) adds nothing.
 */
export const deliverBroadcastJob = defineJobKind({
	name: 'broadcasts.deliver',
	title: 'Email and push of an emergency broadcast',
	schema: z.object({
		broadcastId: z.uuid(),
		round: z.number().int().nonnegative(),
		userIds: z.array(z.uuid()).max(100_000)
	}),
	options: { retryLimit: 3, retryDelay: 10, concurrency: 2 }
});

/** A reminder to those who have not acknowledged, every `renotify_minutes`. */
export const remindBroadcastJob = defineJobKind({
	name: 'broadcasts.remind',
	title: 'Reminder of an emergency broadcast',
	schema: z.object({ broadcastId: z.uuid(), round: z.number().int().positive() }),
	options: { retryLimit: 2, retryDelay: 10, concurrency: 2 }
});

export const broadcastJobKinds = [deliverBroadcastJob, remindBroadcastJob] as const;

/** Registers the handlers (app-context.ts). */
export function registerBroadcastJobs(jobs: JobQueue, broadcasts: BroadcastService): void {
	jobs.work(deliverBroadcastJob, (data) => broadcasts.deliver(data));
	jobs.work(remindBroadcastJob, (data) => broadcasts.remind(data.broadcastId, data.round));
}
