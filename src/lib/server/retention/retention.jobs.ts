import { z } from 'zod';
import { defineJobKind, type JobQueue } from '../jobs/job-queue.ts';
import type { RetentionService } from './retention.service.ts';

/**
 * The retention run: with an organization, that one ("Run now" on /admin/retention); without,
 * every organization with a rule that deletes (nightly). A run is idempotent: it deletes what is
 * due when it runs, and a second run finds nothing more.
 */
export const retentionRunJob = defineJobKind({
	name: 'retention.run',
	title: 'Retention: delete what is due',
	schema: z.object({ orgId: z.uuid().optional() }),
	// A run of hundreds of thousands of messages takes minutes: its heartbeat keeps it alive,
	// the expiry only bounds one that is stuck.
	options: { retryLimit: 2, retryDelay: 300, expireInSeconds: 3 * 3600 }
});

export function registerRetentionJobs(jobs: JobQueue, retention: RetentionService): void {
	jobs.work(retentionRunJob, async ({ orgId }) => {
		if (orgId) await retention.runOrg(orgId);
		else await retention.runAll();
	});
	// Nightly, at a quiet hour (UTC).
	jobs.every(retentionRunJob, '23 2 * * *', {});
}
