import { z } from 'zod';
import type { Sql } from '../../db/database.ts';
import { defineJobKind } from '../job-queue.ts';

/**
 * Job kinds of the job queue's tests, shared by the test and the worker processes it starts.
 * Each run is written to a table of the test's database, so runs are counted across processes.
 */
export const recordKind = defineJobKind({
	name: 'test.record',
	title: 'Test: record a run',
	schema: z.object({ key: z.string(), hang: z.boolean().default(false) }),
	options: { retryDelay: 0, retryBackoff: false, pollingIntervalSeconds: 0.5, concurrency: 2 }
});

export const failingKind = defineJobKind({
	name: 'test.failing',
	title: 'Test: always fails',
	schema: z.object({ reason: z.string() }),
	options: { retryLimit: 0, pollingIntervalSeconds: 0.5 }
});

export async function createRunsTable(sql: Sql): Promise<void> {
	await sql`create table if not exists test_job_runs (
		key text not null, worker text not null, phase text not null, at timestamptz default now())`;
}

export async function recordRun(sql: Sql, key: string, worker: string, phase: string) {
	await sql`insert into test_job_runs (key, worker, phase) values (${key}, ${worker}, ${phase})`;
}

export async function runsOf(sql: Sql, phase = 'done') {
	return sql<{ key: string; worker: string; at: Date }[]>`
		select key, worker, at from test_job_runs where phase = ${phase} order by at`;
}
