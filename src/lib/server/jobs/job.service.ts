import { forbidden } from '../errors.ts';
import { policy, type Actor } from '#shared/policy.ts';
import type { JobsOverview, JobsOverviewQuery } from '#shared/api/jobs.schema.ts';
import type { JobQueue } from './job-queue.ts';
import type { JobRepository } from './job.repository.ts';
import { Wired } from '#shared/wired.ts';

/** What Super Admins see of the background jobs (/admin/jobs, GET /api/admin/jobs). */
export class JobService extends Wired<{
	queue: JobQueue;
	repository: JobRepository;
}>() {
	async overview(actor: Actor, query: JobsOverviewQuery): Promise<JobsOverview> {
		if (!policy.viewJobs(actor)) throw forbidden('Only Super Admins see background jobs.');
		// In the app process the queue is open already; elsewhere (a test) its tables appear here.
		await this.queue.ready();
		const [counts, failures] = await Promise.all([
			this.repository.counts(),
			this.repository.recentFailures(query.failedLimit)
		]);
		const titles = new Map(this.queue.knownKinds.map((kind) => [kind.name, kind.title]));
		const title = (name: string) => titles.get(name) ?? name;
		return {
			queues: counts.map((row) => ({ ...row, title: title(row.name) })),
			failed: failures.map((row) => ({
				id: row.id,
				queue: row.queue,
				queueTitle: title(row.queue),
				error: row.error ?? 'Unknown error',
				failedAt: row.failedAt.toISOString(),
				attempts: row.retryCount + 1
			}))
		};
	}
}
