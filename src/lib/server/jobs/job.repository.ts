import type { Sql } from '../db/database.ts';

export interface QueueCountsRow {
	name: string;
	queued: number;
	deferred: number;
	running: number;
	failed: number;
	completed: number;
}

export interface FailedJobRow {
	id: string;
	queue: string;
	error: string | null;
	failedAt: Date;
	retryCount: number;
}

/** pg-boss's own queues (`__pgboss__send-it`, which the cron pass uses): not the app's jobs. */
const INTERNAL = '\\_\\_pgboss%';

/**
 * Reads pg-boss's own tables (schema `pgboss`) for the admin page: exact counts now, where
 * pg-boss's `getQueues()` answers counts its monitor cached up to a pass ago, and the error each
 * failed job ended with, which it does not list across queues.
 */
export class JobRepository {
	readonly sql: Sql;
	constructor(sql: Sql) {
		this.sql = sql;
	}

	async counts(): Promise<QueueCountsRow[]> {
		return this.sql<QueueCountsRow[]>`
			select q.name,
				count(j.id) filter (where j.state in ('created', 'retry'))::int as queued,
				count(j.id) filter (where j.state in ('created', 'retry') and j.start_after > now())::int
					as deferred,
				count(j.id) filter (where j.state = 'active')::int as running,
				count(j.id) filter (where j.state = 'failed')::int as failed,
				count(j.id) filter (where j.state = 'completed')::int as completed
			from pgboss.queue q left join pgboss.job j on j.name = q.name
			where q.name not like ${INTERNAL}
			group by q.name order by q.name`;
	}

	/** The most recent jobs that failed for good, newest first, with their last error. */
	async recentFailures(limit: number): Promise<FailedJobRow[]> {
		return this.sql<FailedJobRow[]>`
			select id, name as queue, retry_count as "retryCount",
				coalesce(completed_on, started_on, created_on) as "failedAt",
				coalesce(output->>'message', output->'value'->>'message', output::text) as error
			from pgboss.job where state = 'failed' and name not like ${INTERNAL}
			order by coalesce(completed_on, started_on, created_on) desc limit ${limit}`;
	}
}
