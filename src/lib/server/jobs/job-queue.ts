/**
 * Background jobs: work that runs later, survives a restart and runs once across processes, kept
 * in the app's own database by pg-boss (schema `pgboss`). One JobQueue per process, built in
 * app-context.ts as `ctx.jobQueue` and handed to the services that schedule jobs (a `jobs` entry
 * of their deps). Only the app process starts it (server/main.ts, or the dev server's context)
 * and so runs jobs; anywhere else (scripts, unit tests) `schedule` only sends, and a test that
 * wants jobs run calls `jobQueue.start()`.
 *
 * How a module adds a job kind:
 *
 *   // 1. Define the kind next to the module's service: a name, a zod schema for its data, and
 *   //    retry/expiry options (see JobKindOptions; the defaults suit most kinds).
 *   export const sendEmailBatch = defineJobKind({
 *     name: 'email.batch',
 *     title: 'Email of missed messages',
 *     schema: z.object({ userId: z.uuid(), channelId: z.uuid() }),
 *     options: { retryLimit: 5, retryDelay: 30 }
 *   });
 *
 *   // 2. List it in `jobKinds` (jobs/kinds.ts), so its queue exists and the admin page shows it.
 *
 *   // 3. Register the handler where the context is built (app-context.ts). Handlers run in this
 *   //    process, on the event loop that serves the sockets: anything CPU-heavy (images, big
 *   //    exports, zipping) must go to a child process or worker thread (see files/image-process.ts)
 *   //    and be awaited; a handler only does I/O and coordination itself.
 *   jobQueue.work(sendEmailBatch, async (data, job) => { … });
 *
 *   // 4. Schedule it from a service. `id` makes the send idempotent: a second schedule with the
 *   //    same id while the first is kept answers null and adds nothing. Any string does (it is
 *   //    hashed into the UUID pg-boss wants), e.g. one per person, conversation and interval.
 *   await this.jobs.schedule(sendEmailBatch, { userId, channelId }, {
 *     startAfter: new Date(Date.now() + 10 * 60_000),
 *     id: `${userId}:${channelId}:${windowStart}`
 *   });
 *
 *   // Or periodically (cron, UTC; at most once per occurrence across every process):
 *   jobQueue.every(cleanupAbandonedUploads, '17 * * * *', {});
 *
 * Rules for handlers: idempotent (a job may run twice: after a crash between its work and its
 * completion, or a retry; running twice must change nothing twice), validated input (the data is
 * parsed with the kind's schema before the handler sees it), errors thrown are recorded on the job
 * and shown to Super Admins on /admin/jobs. A worker that dies mid-job stops its heartbeat; the job
 * is retried after `heartbeatSeconds` (10 s by default) plus one supervision pass, not after
 * pg-boss's default 15 minutes.
 *
 * On real Postgres pg-boss has its own small pool (DATABASE_URL); on the embedded PGlite, which is
 * one session, it goes through the app's connection (postgres-adapter.ts).
 */
import { createHash } from 'node:crypto';
import { PgBoss, type Job } from 'pg-boss';
import type { z } from 'zod';
import type { Database } from '../db/database.ts';
import { logger as rootLogger, type Logger } from '../logging/logger.ts';
import { postgresAdapter } from './postgres-adapter.ts';
import type { Metrics } from '../ops/metrics.ts';

export interface JobKindOptions {
	/** Attempts after the first before the job is failed for good (default 3). */
	retryLimit?: number;
	/** Seconds before a retry (default 10), doubled each time with `retryBackoff` (default on). */
	retryDelay?: number;
	retryBackoff?: boolean;
	/**
	 * Seconds the worker running a job has to prove it is alive (at least 10, default 10):
	 * pg-boss refreshes it every half of that while the handler runs; a job whose worker died
	 * is retried this long after its last beat.
	 */
	heartbeatSeconds?: number;
	/** Longest a single run may take, in seconds, alive or not (default 15 minutes). */
	expireInSeconds?: number;
	/** How long completed jobs are kept for the admin page, in seconds (default 7 days). */
	deleteAfterSeconds?: number;
	/** How often an idle worker asks for new jobs, in seconds (default 2). */
	pollingIntervalSeconds?: number;
	/** Jobs this process runs at once for the kind (default 1). */
	concurrency?: number;
	/**
	 * Due jobs a worker takes in one fetch (default 1) and runs at once: for kinds that come due
	 * in bursts (a hundred breakout rooms ending in the same minute), so that a burst is neither
	 * taken one job per polling interval nor run one after another, each waiting on its round
	 * trips. A failure of one lets the rest finish, then fails the batch: every job of it is
	 * retried (handlers are idempotent).
	 */
	batchSize?: number;
	/**
	 * Drain a backlog: while more than this many jobs of the kind are due, each worker takes the
	 * next as soon as it finished one, instead of one job per polling interval (pg-boss's
	 * `burstWhenReadyExceeds`; the due count is pg-boss's, refreshed every supervision pass).
	 * Unset by default: a worker runs at most one job per `pollingIntervalSeconds`, which is
	 * 30 jobs a minute, whatever the backlog.
	 */
	burstWhenDueExceeds?: number;
}

export interface JobKind<Schema extends z.ZodType = z.ZodType> {
	readonly name: string;
	/** What Super Admins read on /admin/jobs, e.g. "Cleanup of abandoned uploads". */
	readonly title: string;
	readonly schema: Schema;
	readonly options: Required<Omit<JobKindOptions, 'burstWhenDueExceeds'>> &
		Pick<JobKindOptions, 'burstWhenDueExceeds'>;
}

export type JobData<K extends JobKind> = z.input<K['schema']>;

const defaults: JobKind['options'] = {
	retryLimit: 3,
	retryDelay: 10,
	retryBackoff: true,
	heartbeatSeconds: 10,
	expireInSeconds: 15 * 60,
	deleteAfterSeconds: 7 * 24 * 3600,
	pollingIntervalSeconds: 2,
	concurrency: 1,
	batchSize: 1
};

export function defineJobKind<Schema extends z.ZodType>(kind: {
	name: string;
	title: string;
	schema: Schema;
	options?: JobKindOptions;
}): JobKind<Schema> {
	if (!/^[a-z][a-z0-9.-]*$/.test(kind.name)) throw new Error(`Bad job kind name: ${kind.name}`);
	return { ...kind, options: { ...defaults, ...kind.options } };
}

/** What a handler knows of the job it runs, beside its data. */
export interface RunningJob {
	id: string;
	/** 0 on the first attempt. */
	retryCount: number;
	/** Aborted when the job expires or the queue stops: long handlers should stop then. */
	signal: AbortSignal;
}

export type JobHandler<K extends JobKind> = (
	data: z.output<K['schema']>,
	job: RunningJob
) => Promise<void>;

export interface ScheduleOptions {
	/** When to run it: a time, or seconds from now. Now by default. */
	startAfter?: Date | number;
	/**
	 * A deterministic id: scheduling twice with the same id adds the job once (the second call
	 * answers null) for as long as the first is kept. A UUID is used as is, any other string is
	 * hashed with the kind's name into one.
	 */
	id?: string;
}

export interface JobQueueOptions {
	database: Database;
	/** Real Postgres: the connection string pg-boss's own pool uses. */
	connectionString?: string;
	/** Every kind the process knows (their queues are created at start). */
	kinds: readonly JobKind[];
	/** Seconds between supervision passes (expired and dead jobs; default 5). */
	superviseIntervalSeconds?: number;
	logger?: Logger;
	/** Counts failed runs (ops/metrics.ts). */
	metrics?: Pick<Metrics, 'jobFailures'>;
}

interface Registration {
	kind: JobKind;
	handler: JobHandler<JobKind>;
}

export class JobQueue {
	readonly kinds: readonly JobKind[];
	readonly #options: JobQueueOptions;
	readonly #log: Logger;
	readonly #workers: Registration[] = [];
	readonly #schedules: { kind: JobKind; cron: string; data: unknown }[] = [];
	#opening: Promise<PgBoss> | null = null;
	#running = false;
	/** Queues created or brought up to date by this process. */
	readonly #ensured = new Set<string>();
	readonly #sent = new Set<JobKind>();

	constructor(options: JobQueueOptions) {
		this.#options = options;
		this.kinds = options.kinds;
		this.#log = (options.logger ?? rootLogger).child({ module: 'jobs' });
	}

	/** The kinds listed at construction and any a handler or a send brought in since. */
	get knownKinds(): JobKind[] {
		const extra = [...this.#workers.map((entry) => entry.kind), ...this.#sent];
		return [...new Set([...this.kinds, ...extra])];
	}

	/** Whether this process runs jobs (start() was called). */
	get running(): boolean {
		return this.#running;
	}

	/**
	 * Runs `handler` for every job of `kind` in this process once the queue is started.
	 * Registered before or after start.
	 */
	work<K extends JobKind>(kind: K, handler: JobHandler<K>): void {
		const registration = { kind, handler: handler as JobHandler<JobKind> };
		this.#workers.push(registration);
		if (this.#running) {
			this.#open()
				.then((boss) => this.#startWorker(boss, registration))
				.catch((error: unknown) =>
					this.#log.error({ err: error, job: kind.name }, 'worker not started')
				);
		}
	}

	/** Sends a job of `kind` on a cron expression (UTC), once per occurrence across processes. */
	every<K extends JobKind>(kind: K, cron: string, data: JobData<K>): void {
		kind.schema.parse(data);
		this.#schedules.push({ kind, cron, data });
		if (this.#running) {
			this.#open()
				.then((boss) => boss.schedule(kind.name, cron, data as object, { tz: 'UTC' }))
				.catch((error: unknown) =>
					this.#log.error({ err: error, job: kind.name }, 'not scheduled')
				);
		}
	}

	/**
	 * Adds a job; answers its id, or null when a job with the same `id` is already kept (the
	 * send was a repeat). Works in any process: one that has not started the queue only sends
	 * (the app process runs the job).
	 */
	async schedule<K extends JobKind>(
		kind: K,
		data: JobData<K>,
		options: ScheduleOptions = {}
	): Promise<string | null> {
		const parsed = kind.schema.parse(data) as object;
		const boss = await this.#open();
		await this.#ensureQueue(boss, kind);
		this.#sent.add(kind);
		const startAfter =
			typeof options.startAfter === 'number'
				? new Date(Date.now() + options.startAfter * 1000)
				: options.startAfter;
		return boss.send(kind.name, parsed, {
			...(options.id === undefined ? {} : { id: jobId(kind, options.id) }),
			...(startAfter === undefined ? {} : { startAfter })
		});
	}

	/**
	 * Runs jobs in this process: opens pg-boss (installing its schema the first time), creates
	 * the queues, registers the periodic schedules and starts the workers. Idempotent.
	 */
	async start(): Promise<void> {
		const boss = await this.#open();
		if (this.#running) return;
		this.#running = true;
		for (const { kind, cron, data } of this.#schedules) {
			await boss.schedule(kind.name, cron, data as object, { tz: 'UTC' });
		}
		for (const registration of this.#workers) await this.#startWorker(boss, registration);
		this.#log.info({ kinds: this.knownKinds.map((kind) => kind.name) }, 'job queue started');
	}

	/** pg-boss's schema and the queues exist (for sends and for reading counts); runs no jobs. */
	async ready(): Promise<void> {
		await this.#open();
	}

	#open(): Promise<PgBoss> {
		this.#opening ??= this.#connect().catch((error: unknown) => {
			this.#opening = null;
			throw error;
		});
		return this.#opening;
	}

	async #connect(): Promise<PgBoss> {
		const { database, connectionString } = this.#options;
		const common = {
			superviseIntervalSeconds: this.#options.superviseIntervalSeconds ?? 5,
			monitorIntervalSeconds: this.#options.superviseIntervalSeconds ?? 5,
			// The due counts a draining worker reads (burstWhenDueExceeds) come from this cache: as
			// fresh as the monitor's pass that computes them, not pg-boss's default minute.
			queueCacheIntervalSeconds: this.#options.superviseIntervalSeconds ?? 5,
			// The registry of instances is one more periodic write on a shared session: not needed.
			registerInstance: false
		};
		const boss =
			database.kind === 'pglite' || !connectionString
				? new PgBoss({ ...common, db: postgresAdapter(database.sql) })
				: new PgBoss({ ...common, connectionString, max: 3, application_name: 'connectflow-jobs' });
		boss.on('error', (error) => this.#log.error({ err: error }, 'job queue error'));
		boss.on('warning', (warning) => this.#log.warn({ warning }, 'job queue warning'));
		await boss.start();
		for (const kind of this.kinds) await this.#ensureQueue(boss, kind);
		return boss;
	}

	/** Creates the kind's queue, or brings its options up to date. */
	async #ensureQueue(boss: PgBoss, kind: JobKind): Promise<void> {
		if (this.#ensured.has(kind.name)) return;
		const { retryLimit, retryDelay, retryBackoff, heartbeatSeconds } = kind.options;
		const { expireInSeconds, deleteAfterSeconds } = kind.options;
		const options = {
			retryLimit,
			retryDelay,
			retryBackoff,
			heartbeatSeconds,
			expireInSeconds,
			deleteAfterSeconds
		};
		if (await boss.getQueue(kind.name)) await boss.updateQueue(kind.name, options);
		else await boss.createQueue(kind.name, options);
		this.#ensured.add(kind.name);
	}

	async #startWorker(boss: PgBoss, { kind, handler }: Registration): Promise<void> {
		await this.#ensureQueue(boss, kind);
		await boss.work(
			kind.name,
			{
				batchSize: kind.options.batchSize,
				localConcurrency: kind.options.concurrency,
				pollingIntervalSeconds: kind.options.pollingIntervalSeconds,
				...(kind.options.burstWhenDueExceeds === undefined
					? {}
					: { burstWhenReadyExceeds: kind.options.burstWhenDueExceeds })
			},
			async (jobs: Job<unknown>[]) => {
				let failure: unknown = null;
				const run = async (job: Job<unknown>) => {
					const log = this.#log.child({ job: kind.name, jobId: job.id });
					const started = Date.now();
					try {
						const data = kind.schema.safeParse(job.data);
						if (!data.success) {
							throw new Error(`Job data does not match ${kind.name}: ${data.error.message}`);
						}
						await handler(data.data, {
							id: job.id,
							retryCount: job.retryCount,
							signal: job.signal
						});
						log.debug({ ms: Date.now() - started }, 'job done');
					} catch (error) {
						log.warn({ err: error, retryCount: job.retryCount }, 'job failed');
						this.#options.metrics?.jobFailures.inc({ queue: kind.name });
						failure ??= error;
					}
				};
				await Promise.all(jobs.map(run));
				if (failure !== null) throw failure;
			}
		);
	}

	/** Stops the workers (waiting a little for running jobs) and the schedules. */
	async stop(): Promise<void> {
		const opening = this.#opening;
		this.#opening = null;
		this.#running = false;
		this.#ensured.clear();
		if (!opening) return;
		const boss = await opening.catch(() => null);
		// Not graceful past a few seconds: a job cut short is retried (its heartbeat stops).
		await boss?.stop({ graceful: true, timeout: 5_000, close: true });
	}
}

/** The UUID pg-boss keys a job on, from a caller's deterministic id. */
export function jobId(kind: JobKind, id: string): string {
	if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return id;
	const hex = createHash('sha256').update(`${kind.name}\0${id}`).digest('hex');
	// Shaped as a version 8 (custom) UUID with the RFC 9562 variant.
	return [
		hex.slice(0, 8),
		hex.slice(8, 12),
		`8${hex.slice(13, 16)}`,
		`${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}`,
		hex.slice(20, 32)
	].join('-');
}
