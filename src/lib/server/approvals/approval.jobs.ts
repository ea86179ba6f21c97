import { createHash } from 'node:crypto';
import { z } from 'zod';
import { defineJobKind, type JobQueue } from '../jobs/job-queue.ts';
import type { ApprovalService } from './approval.service.ts';

/**
 * An approved announcement published into the announcements channel's document, off the request
 * that approved it and retried until it is there. Its id is the request's, so a second
 * scheduling adds nothing, and the message's id is derived from it (`approvalMessageId`), so a
 * second run finds the message and writes nothing.
 */
export const publishApprovedJob = defineJobKind({
	name: 'approvals.publish',
	title: 'Publish an approved announcement',
	schema: z.object({ requestId: z.uuid() }),
	options: { retryLimit: 5, retryDelay: 10, concurrency: 2 }
});

export const approvalJobKinds = [publishApprovedJob] as const;

/** Registers the handlers (app-context.ts). */
export function registerApprovalJobs(jobs: JobQueue, approvals: ApprovalService): void {
	jobs.work(publishApprovedJob, (data) => approvals.publish(data.requestId));
}

/** The id of an approved announcement's message: a UUID-shaped hash of the request's id. */
export function approvalMessageId(requestId: string): string {
	const hex = createHash('sha256').update(`approval-post:${requestId}`).digest('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
