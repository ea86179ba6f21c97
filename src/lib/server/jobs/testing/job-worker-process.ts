import { openDatabase } from '#server/db/database.ts';
import { JobQueue } from '#server/jobs/job-queue.ts';
import { recordKind, recordRun } from './test-kinds.ts';

/**
 * A worker of the test kinds in its own process, for the test that kills one mid-job: it runs
 * `test.record` jobs against DATABASE_URL like the test's own queue, but a job asking to hang
 * is recorded as started and then never finishes. Prints `ready` once it polls.
 */
const url = process.env.DATABASE_URL!;
const database = await openDatabase({ databaseUrl: url, maxConnections: 2, migrate: false });
const queue = new JobQueue({
	database,
	connectionString: url,
	kinds: [],
	superviseIntervalSeconds: 1
});
const worker = `child-${process.pid}`;
queue.work(recordKind, async ({ key, hang }) => {
	await recordRun(database.sql, key, worker, 'started');
	if (hang) await new Promise(() => {});
	await recordRun(database.sql, key, worker, 'done');
});
await queue.start();
// The parent waits for this word on stdout (a protocol, not a log line).
process.stdout.write('ready\n');
