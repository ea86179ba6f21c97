import { z } from 'zod';
import { defineJobKind, type JobQueue } from '../jobs/job-queue.ts';
import type { ExportService } from './export.service.ts';

/**
 * One export, run from start to end: a run after a crash or a retry starts it again from the
 * first message (the row's progress is reset, the stored ZIP replaced), so running twice
 * changes nothing twice. A large export takes minutes: it may run for up to six hours.
 */
export const runExportJob = defineJobKind({
	name: 'exports.run',
	title: 'Compliance export or self-export',
	schema: z.object({ exportId: z.uuid() }),
	options: { retryLimit: 2, retryDelay: 30, expireInSeconds: 6 * 60 * 60, concurrency: 1 }
});

export function registerExportJobs(jobs: JobQueue, exports: ExportService): void {
	jobs.work(runExportJob, async ({ exportId }) => {
		await exports.run(exportId);
	});
}
