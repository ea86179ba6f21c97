import { sendMissedMessagesEmail } from '../delivery/away-delivery.ts';
import { cleanupAbandonedUploads } from '../files/abandoned-uploads.job.ts';
import { breakoutJobKinds } from '../breakouts/breakout.jobs.ts';
import { broadcastJobKinds } from '../broadcasts/broadcast.jobs.ts';
import { dashboardRollup } from '../dashboard/dashboard-rollup.job.ts';
import { approvalJobKinds } from '../approvals/approval.jobs.ts';
import { retentionRunJob } from '../retention/retention.jobs.ts';
import { runExportJob } from '../exports/export.job.ts';
import type { JobKind } from './job-queue.ts';

/**
 * Every job kind of the app: their queues are created when the queue starts and shown on
 * /admin/jobs even while empty. A module that adds a kind lists it here.
 */
export const jobKinds: readonly JobKind[] = [
	cleanupAbandonedUploads,
	sendMissedMessagesEmail,
	...breakoutJobKinds,
	...broadcastJobKinds,
	dashboardRollup,
	...approvalJobKinds,
	retentionRunJob,
	runExportJob
];
