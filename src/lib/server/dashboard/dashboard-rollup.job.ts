import { z } from 'zod';
import { defineJobKind, type JobQueue } from '../jobs/job-queue.ts';
import { logger } from '../logging/logger.ts';
import type { DashboardService } from './dashboard.service.ts';

/**
 * The dashboard's daily rollup: with a `day`, rolls up that day again (replacing it); without,
 * every finished day not rolled up yet (the daily run catches up days it missed).
 */
export const dashboardRollup = defineJobKind({
	name: 'dashboard.rollup',
	title: 'Daily rollup of the dashboard',
	schema: z.object({ day: z.iso.date().optional() }),
	options: { retryLimit: 3, retryDelay: 300 }
});

export function registerDashboardJobs(jobs: JobQueue, dashboard: DashboardService): void {
	jobs.work(dashboardRollup, async ({ day }) => {
		if (day) {
			await dashboard.rollUpDay(day);
			logger.info({ day }, 'dashboard day rolled up again');
			return;
		}
		const days = await dashboard.catchUp();
		if (days.length > 0)
			logger.info({ days: days.length, last: days.at(-1) }, 'dashboard rolled up');
	});
	// Shortly after midnight UTC, when yesterday is finished.
	jobs.every(dashboardRollup, '7 0 * * *', {});
}
