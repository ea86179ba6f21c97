import { z } from 'zod';

export const jobsOverviewQuerySchema = z.object({
	/** How many of the most recent failed jobs to list (across queues). */
	failedLimit: z.coerce.number().int().min(1).max(100).default(20)
});

export const jobQueueSummarySchema = z.object({
	/** The job kind's name, e.g. `files.cleanup-abandoned-uploads`. */
	name: z.string(),
	/** What the queue's jobs do, in words (the name when this version of the app has no such kind). */
	title: z.string(),
	/** Waiting to run: created, deferred to a later time, or waiting for a retry. */
	queued: z.number().int().nonnegative(),
	/** Of those, waiting for a later time (a delayed job, a retry's delay). */
	deferred: z.number().int().nonnegative(),
	running: z.number().int().nonnegative(),
	/** Failed for good (retries used up), among the jobs still kept. */
	failed: z.number().int().nonnegative(),
	/** Completed, among the jobs still kept (7 days by default). */
	completed: z.number().int().nonnegative()
});

export const failedJobSchema = z.object({
	id: z.uuid(),
	queue: z.string(),
	queueTitle: z.string(),
	/** The error the last attempt ended with. */
	error: z.string(),
	/** When it failed for good. */
	failedAt: z.string(),
	attempts: z.number().int().positive()
});

export const jobsOverviewSchema = z.object({
	queues: z.array(jobQueueSummarySchema),
	failed: z.array(failedJobSchema)
});

export type JobsOverviewQuery = z.output<typeof jobsOverviewQuerySchema>;
export type JobQueueSummary = z.infer<typeof jobQueueSummarySchema>;
export type FailedJob = z.infer<typeof failedJobSchema>;
export type JobsOverview = z.infer<typeof jobsOverviewSchema>;
