import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useServedApp } from '../testing/served-app.ts';
import { loadConfig } from '../config.ts';
import { createAppContext, type AppContext } from '../app-context.ts';
import { openDatabase } from '../db/database.ts';
import { SESSION_COOKIE } from '../auth/session-token.ts';
import { createTestApp } from '../testing/test-app.ts';
import {
	availableDatabaseKinds,
	createTestDatabase,
	type TestDatabase
} from '../testing/test-database.ts';
import { reopenable } from '../testing/reopenable.ts';
import { z } from 'zod';
import { defineJobKind, jobId } from './job-queue.ts';
import {
	createRunsTable,
	failingKind,
	recordKind,
	recordRun,
	runsOf
} from './testing/test-kinds.ts';
import { logger } from '#server/logging/logger.ts';

/**
 * The job queue on real databases: jobs kept across a restart, each run once by several
 * processes, a dead worker's job retried within seconds, failures shown to Super Admins.
 */
const kinds = await availableDatabaseKinds();
const config = loadConfig({ DATA_DIR: '/tmp/connectflow-test', JOBS_SUPERVISE_SECONDS: '1' });

async function until<T>(what: string, probe: () => Promise<T | null | false>, ms = 30_000) {
	const deadline = Date.now() + ms;
	for (;;) {
		const value = await probe();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

describe.each(kinds)('the job queue (%s)', (kind) => {
	it('keeps a delayed job across a restart and runs it once', async () => {
		const store = await reopenable(kind, 'jobs');
		try {
			const first = createAppContext(config, await store.open());
			await createRunsTable(first.database.sql);
			const id = await first.jobQueue.schedule(
				recordKind,
				{ key: 'delayed' },
				{ startAfter: 2, id: 'delayed-once' }
			);
			expect(id).toBe(jobId(recordKind, 'delayed-once'));
			// The same deterministic id again: nothing added.
			expect(
				await first.jobQueue.schedule(recordKind, { key: 'delayed' }, { id: 'delayed-once' })
			).toBeNull();
			await first.close();

			const second = createAppContext(config, await store.open());
			try {
				second.jobQueue.work(recordKind, async ({ key }) => {
					await recordRun(second.database.sql, key, 'second', 'done');
				});
				await second.jobQueue.start();
				await until('the delayed job', async () => (await runsOf(second.database.sql)).length > 0);
				// Time for a duplicate to show up, were there one.
				await new Promise((resolve) => setTimeout(resolve, 2_500));
				const runs = await runsOf(second.database.sql);
				expect(runs.map((run) => run.key)).toEqual(['delayed']);
			} finally {
				await second.close();
			}
		} finally {
			await store.close();
		}
	}, 90_000);

	it('drains a backlog of due jobs without waiting a polling interval for each', async () => {
		// As an @channel's emails: many jobs due at once, one worker, the default 2 s polling.
		// Without draining this takes 40 × 2 s; draining waits for no interval while jobs are due.
		const drainKind = defineJobKind({
			name: 'test.drain',
			title: 'Test: drain a backlog',
			schema: z.object({ n: z.number() }),
			options: { burstWhenDueExceeds: 1 }
		});
		const app = await createTestApp(kind, undefined, { env: { JOBS_SUPERVISE_SECONDS: '1' } });
		try {
			const done = new Set<number>();
			app.jobQueue.work(drainKind, async ({ n }) => {
				done.add(n);
			});
			for (let n = 0; n < 40; n++) await app.jobQueue.schedule(drainKind, { n });
			const started = Date.now();
			await app.jobQueue.start();
			await until('40 jobs', async () => done.size === 40, 25_000);
			expect(Date.now() - started).toBeLessThan(25_000);
		} finally {
			await app.close();
		}
	}, 90_000);

	it('takes a burst of due jobs in one fetch, and one failing does not stop the rest', async () => {
		// As a hundred breakout rooms ending in the same minute: the worker polls every 30 s, so
		// ten jobs done within 20 s were taken by the fetch at its start, all together.
		const batchKind = defineJobKind({
			name: 'test.batch',
			title: 'Test: a burst taken in one fetch',
			schema: z.object({ n: z.number() }),
			options: { batchSize: 10, pollingIntervalSeconds: 30, retryLimit: 0 }
		});
		const app = await createTestApp(kind);
		try {
			const ran = new Set<number>();
			app.jobQueue.work(batchKind, async ({ n }) => {
				ran.add(n);
				if (n === 3) throw new Error('number three fails');
			});
			for (let n = 0; n < 10; n++) await app.jobQueue.schedule(batchKind, { n });
			await app.jobQueue.start();
			await until('10 jobs run', async () => ran.size === 10, 20_000);
			expect([...ran].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
		} finally {
			await app.close();
		}
	}, 90_000);

	it('records a handler that throws as failed, with its error, for the admin overview', async () => {
		const app = await createTestApp(kind);
		try {
			const org = await app.createOrganization('Failing Jobs Inc');
			app.jobQueue.work(failingKind, async ({ reason }) => {
				throw new Error(`could not do it: ${reason}`);
			});
			await app.jobQueue.start();
			await app.jobQueue.schedule(failingKind, { reason: 'disk on fire' });
			const overview = await until('the failure', async () => {
				const answer = await app.jobs.overview(org.admin, { failedLimit: 20 });
				const queue = answer.queues.find((entry) => entry.name === failingKind.name);
				return answer.failed.length > 0 && queue?.failed === 1 && answer;
			});
			expect(overview.failed[0]).toMatchObject({
				queue: failingKind.name,
				error: 'could not do it: disk on fire',
				attempts: 1
			});
			expect(overview.queues.find((queue) => queue.name === failingKind.name)).toMatchObject({
				failed: 1,
				queued: 0,
				running: 0
			});
			expect(overview.queues.map((queue) => queue.name)).toContain(
				'files.cleanup-abandoned-uploads'
			);
		} finally {
			await app.close();
		}
	}, 90_000);
});

describe.runIf(kinds.includes('postgres'))('the job queue across processes (postgres)', () => {
	let owner: TestDatabase;
	const contexts: AppContext[] = [];
	const children: ChildProcess[] = [];

	beforeAll(async () => {
		owner = await createTestDatabase('postgres');
		await createRunsTable(owner.sql);
	}, 60_000);
	afterAll(async () => {
		for (const child of children) child.kill('SIGKILL');
		for (const context of contexts) await context.close();
		await owner?.close();
	});

	async function openContext(): Promise<AppContext> {
		const database = await openDatabase({
			databaseUrl: owner.url!,
			maxConnections: 3,
			migrate: false
		});
		const context = createAppContext(config, database);
		contexts.push(context);
		return context;
	}

	it('runs each of N jobs exactly once with two queues on one database', async () => {
		const [a, b] = [await openContext(), await openContext()];
		for (const [name, context] of [
			['a', a],
			['b', b]
		] as const) {
			context.jobQueue.work(recordKind, async ({ key }) => {
				await recordRun(context.database.sql, key, name, 'done');
			});
			await context.jobQueue.start();
		}
		const n = 40;
		const keys = Array.from({ length: n }, (_, index) => `burst-${index}`);
		// Sent from both sides, each key twice (the same deterministic id): still one job per key.
		const sent = await Promise.all(
			keys.flatMap((key) => [
				a.jobQueue.schedule(recordKind, { key }, { id: key }),
				b.jobQueue.schedule(recordKind, { key }, { id: key })
			])
		);
		expect(sent.filter((id) => id !== null)).toHaveLength(n);
		const runs = await until('every job', async () => {
			const done = (await runsOf(owner.sql)).filter((run) => run.key.startsWith('burst-'));
			return done.length >= n && done;
		});
		await new Promise((resolve) => setTimeout(resolve, 2_000));
		const all = (await runsOf(owner.sql)).filter((run) => run.key.startsWith('burst-'));
		expect(all.map((run) => run.key).sort()).toEqual([...keys].sort());
		const byWorker = Object.groupBy(runs, (run) => run.worker);
		logger.info(
			{ jobs: n, byQueueA: byWorker.a?.length ?? 0, byQueueB: byWorker.b?.length ?? 0 },
			'jobs shared by two queues'
		);
		// Their workers would take the next test's job.
		for (const context of contexts.splice(0)) await context.close();
	}, 90_000);

	it('retries within seconds a job whose worker process was killed mid-job', async () => {
		const child = spawn(
			process.execPath,
			[path.resolve('src/lib/server/jobs/testing/job-worker-process.ts')],
			{ env: { ...process.env, DATABASE_URL: owner.url! }, stdio: ['ignore', 'pipe', 'pipe'] }
		);
		children.push(child);
		let errors = '';
		child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
		await new Promise<void>((resolve, reject) => {
			child.stdout!.on('data', (chunk: Buffer) => {
				if (chunk.toString().includes('ready')) resolve();
			});
			child.on('exit', (code) => reject(new Error(`worker exited (${code}): ${errors}`)));
		});
		// This process schedules but does not work the kind yet: the child takes the job.
		const here = await openContext();
		await here.jobQueue.schedule(recordKind, { key: 'crash', hang: true });
		const started = await until('the child to start the job', async () => {
			const [run] = await runsOf(owner.sql, 'started');
			return run?.key === 'crash' && run;
		});
		expect(started.worker).toBe(`child-${child.pid}`);
		const exited = new Promise((resolve) => child.once('exit', resolve));
		child.kill('SIGKILL');
		await exited;
		const killedAt = Date.now();

		here.jobQueue.work(recordKind, async ({ key }) => {
			await recordRun(here.database.sql, key, 'here', 'done');
		});
		await here.jobQueue.start();
		const done = await until('the retry', async () => {
			const [run] = (await runsOf(owner.sql)).filter((entry) => entry.key === 'crash');
			return run ?? null;
		});
		const seconds = (Date.now() - killedAt) / 1000;
		logger.info({ seconds: Number(seconds.toFixed(1)) }, "the killed worker's job ran again");
		expect(done.worker).toBe('here');
		// Heartbeat 10 s, supervision every second: well under pg-boss's default 15 minutes.
		expect(seconds).toBeLessThan(20);
	}, 90_000);
});

describe(`GET /api/admin/jobs over HTTP (${kinds.at(-1)})`, () => {
	const { app, server } = useServedApp(kinds.at(-1)!);
	let adminToken: string;
	let memberToken: string;

	beforeAll(async () => {
		const org = await app.createOrganization('Jobs Admin Inc');
		adminToken = org.token;
		memberToken = (await app.join(org.joinCode, 'Mia Member')).token;
		app.jobQueue.work(failingKind, async () => {
			throw new Error('the mail server said no');
		});
		await app.jobQueue.start();
		await app.jobQueue.schedule(failingKind, { reason: 'http' });
	});

	const get = (token: string | null, query = '') =>
		fetch(`${server.origin}/api/admin/jobs${query}`, {
			headers: token ? { cookie: `${SESSION_COOKIE}=${token}` } : {}
		});

	it('shows a Super Admin every queue and the failed job with its error', async () => {
		const body = await until('the failure over HTTP', async () => {
			const response = await get(adminToken);
			expect(response.status).toBe(200);
			const answer = (await response.json()) as {
				queues: { name: string; failed: number }[];
				failed: { queue: string; error: string; failedAt: string }[];
			};
			return answer.failed.length > 0 && answer;
		});
		expect(body.failed[0]).toMatchObject({
			queue: failingKind.name,
			error: 'the mail server said no'
		});
		expect(Number.isNaN(Date.parse(body.failed[0]!.failedAt))).toBe(false);
		expect(body.queues.map((queue) => queue.name)).toEqual(
			expect.arrayContaining(['files.cleanup-abandoned-uploads', failingKind.name])
		);
		// pg-boss's own queue (its cron pass) is not one of the app's.
		expect(body.queues.map((queue) => queue.name)).not.toContain('__pgboss__send-it');
	}, 60_000);

	it('refuses a member with 403 FORBIDDEN, and nobody signed in with 401', async () => {
		const member = await get(memberToken);
		expect(member.status).toBe(403);
		expect(await member.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
		const anonymous = await get(null);
		expect(anonymous.status).toBe(401);
		expect(await anonymous.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
	});

	it('answers bad input with a clear 4xx', async () => {
		for (const query of ['?failedLimit=abc', '?failedLimit=0', '?failedLimit=100000']) {
			const response = await get(adminToken, query);
			expect(response.status, query).toBe(422);
			const body = (await response.json()) as { error: { code: string; message: string } };
			expect(body.error.code).toBe('VALIDATION_FAILED');
			expect(body.error.message).toMatch(/failedLimit/);
		}
	});
});
