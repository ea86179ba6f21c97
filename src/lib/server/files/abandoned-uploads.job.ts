import { z } from 'zod';
import { defineJobKind, type JobQueue } from '../jobs/job-queue.ts';
import { logger } from '../logging/logger.ts';
import type { FileService } from './file.service.ts';

/**
 * Uploads no message carries after this long were abandoned (a closed tab, a cancelled message):
 * long enough for the offline outbox, which uploads right before it posts, and a person who
 * leaves a draft with attachments open for the day.
 */
export const ABANDONED_UPLOAD_HOURS = 24;

/** Removes abandoned uploads and their stored objects, every hour (see FileService). */
export const cleanupAbandonedUploads = defineJobKind({
	name: 'files.cleanup-abandoned-uploads',
	title: 'Cleanup of abandoned uploads',
	schema: z.object({
		olderThanHours: z
			.number()
			.positive()
			.max(24 * 365)
			.default(ABANDONED_UPLOAD_HOURS)
	}),
	options: { retryLimit: 2, retryDelay: 60 }
});

export function registerFileJobs(jobs: JobQueue, files: FileService): void {
	jobs.work(cleanupAbandonedUploads, async ({ olderThanHours }) => {
		const removed = await files.removeAbandonedUploads(olderThanHours);
		if (removed > 0) logger.info({ removed, olderThanHours }, 'abandoned uploads removed');
	});
	jobs.every(cleanupAbandonedUploads, '17 * * * *', {});
}
