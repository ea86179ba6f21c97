import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Latency buckets in seconds, from a fraction of a millisecond to seconds (delivery, log, ack). */
const LATENCY_BUCKETS = [
	0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5
];

/** What a metric that reads its value when scraped calls (the job queue's depth). */
export type JobCounts = () => Promise<{ queue: string; queued: number; failed: number }[]>;

/**
 * The process's Prometheus metrics (prom-client): one registry per process, held by the app
 * context and handed to the parts that count (the collaboration server's metrics extension, the
 * document log, the job queue, the HTTP handle). Nothing here is per person: labels are codes,
 * route ids, statuses and queue names, never ids of people or documents.
 */
export class Metrics {
	readonly registry = new Registry();
	readonly connections: Gauge;
	readonly documentsLoaded: Gauge;
	readonly updatesAccepted: Counter;
	readonly updatesRefused: Counter<'reason'>;
	readonly deliverySeconds: Histogram;
	readonly acknowledgementSeconds: Histogram;
	readonly logAppendSeconds: Histogram;
	readonly jobFailures: Counter<'queue'>;
	readonly httpRequests: Counter<'route' | 'method' | 'status'>;
	readonly httpSeconds: Histogram<'route' | 'method'>;
	#jobCounts: JobCounts | null = null;
	#uploadPace: (() => number) | null = null;

	constructor() {
		const registers = [this.registry];
		const gauge = (name: string, help: string) => new Gauge({ name, help, registers });
		const counter = <L extends string = never>(name: string, help: string, labelNames: L[] = []) =>
			new Counter<L>({ name, help, labelNames, registers });
		const latency = <L extends string = never>(name: string, help: string, labelNames: L[] = []) =>
			new Histogram<L>({ name, help, labelNames, buckets: LATENCY_BUCKETS, registers });
		const readJobCounts = () => this.#readJobCounts();
		/** A gauge by queue of one of the job counts, read from pg-boss when scraped. */
		const jobGauge = (name: string, help: string, count: 'queued' | 'failed') =>
			new Gauge({
				name,
				help,
				labelNames: ['queue'],
				registers,
				async collect() {
					this.reset();
					for (const row of await readJobCounts()) {
						this.set({ queue: row.queue }, row[count]);
					}
				}
			});
		// Event-loop delay (nodejs_eventloop_lag_*), memory (process_resident_memory_bytes,
		// nodejs_heap_*), CPU, handles, GC.
		collectDefaultMetrics({ register: this.registry });
		this.connections = gauge(
			'connectflow_collab_connections',
			'Open document connections (one document on one socket)'
		);
		this.documentsLoaded = gauge(
			'connectflow_collab_documents_loaded',
			'Documents loaded in this process'
		);
		this.updatesAccepted = counter(
			'connectflow_collab_updates_accepted_total',
			'Updates from clients that passed the guard and were applied'
		);
		this.updatesRefused = counter(
			'connectflow_collab_updates_refused_total',
			'Updates refused, by the close reason code sent to the client (close-reasons.ts)',
			['reason']
		);
		this.deliverySeconds = latency(
			'connectflow_collab_delivery_seconds',
			'From a client frame received to its update applied and relayed to the other connections'
		);
		this.acknowledgementSeconds = latency(
			'connectflow_collab_acknowledgement_seconds',
			'From a client update received to its log entry committed and its stamps released (durable)'
		);
		this.logAppendSeconds = latency(
			'connectflow_document_log_append_seconds',
			'Appending one update to the document log (group commit included)'
		);
		this.jobFailures = counter(
			'connectflow_jobs_failed_total',
			'Job runs that failed in this process, by queue',
			['queue']
		);
		jobGauge(
			'connectflow_jobs_queued',
			'Jobs waiting (created or retry) by queue, read from pg-boss when scraped',
			'queued'
		);
		jobGauge(
			'connectflow_jobs_failed',
			'Jobs that ended failed and are kept by pg-boss, by queue, read when scraped',
			'failed'
		);
		const readUploadPace = () => this.#uploadPace?.() ?? null;
		new Gauge({
			name: 'connectflow_upload_receive_megabytes_per_second',
			help: 'The pace uploads are taken in at, together: below its ceiling while the event loop runs late',
			registers,
			collect() {
				const pace = readUploadPace();
				if (pace !== null) this.set(pace);
			}
		});
		this.httpRequests = counter(
			'connectflow_http_requests_total',
			'HTTP requests answered by SvelteKit, by route id, method and status',
			['route', 'method', 'status']
		);
		this.httpSeconds = latency(
			'connectflow_http_request_seconds',
			'HTTP request duration by route id and method',
			['route', 'method']
		);
	}

	/** Where the job gauges read their figures (the job repository), set by the app context. */
	readJobCountsFrom(counts: JobCounts): void {
		this.#jobCounts = counts;
	}

	/** Where the upload pace gauge reads its figure (the file service's governor). */
	readUploadPaceFrom(pace: () => number): void {
		this.#uploadPace = pace;
	}

	#jobRead: {
		at: number;
		rows: Promise<{ queue: string; queued: number; failed: number }[]>;
	} | null = null;

	/** One read per scrape (both gauges share it); a database out of reach gives no figures. */
	#readJobCounts(): Promise<{ queue: string; queued: number; failed: number }[]> {
		const counts = this.#jobCounts;
		if (!counts) return Promise.resolve([]);
		if (this.#jobRead && Date.now() - this.#jobRead.at < 1_000) return this.#jobRead.rows;
		const rows = withTimeout(counts(), 1_000).catch(() => []);
		this.#jobRead = { at: Date.now(), rows };
		return rows;
	}

	/** The exposition text and its content type, for GET /metrics. */
	async exposition(): Promise<{ body: string; contentType: string }> {
		return { body: await this.registry.metrics(), contentType: this.registry.contentType };
	}
}

/** Seconds since `started` (a performance.now() value). */
export function secondsSince(started: number): number {
	return (performance.now() - started) / 1_000;
}

export function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
	});
	return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
