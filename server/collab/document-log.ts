import * as Y from 'yjs';
import type { Document } from '@hocuspocus/server';
import { applyStored, type DocumentRepository } from '#server/documents/document.repository.ts';
import { UpdateLog } from '#server/documents/update-log.ts';
import { isDatabaseUnavailable } from '#server/errors.ts';
import { logger } from '#server/logging/logger.ts';
import { secondsSince, type Metrics } from '#server/ops/metrics.ts';
import { unavailable } from './context.ts';

/** Updates appended since the last compaction before the document is compacted again. */
const COMPACT_AFTER = 200;

const LOAD_ORIGIN = { source: 'connectflow-load' } as const;

interface LogState {
	document: Document;
	/** Sequence numbers appended but not yet applied: compaction must keep them in the log. */
	inFlight: Set<number>;
	/** Appends not yet answered: their sequence numbers are unknown, so compaction waits. */
	appending: number;
	lastSeq: number;
	sinceCompaction: number;
	compacting: boolean;
}

/**
 * The durable log of every loaded document: what is stored is loaded into the live document,
 * each update is appended to `document_updates` (group commit, in order: update-log.ts), and the
 * log is folded into the compacted state every COMPACT_AFTER updates and when the document
 * unloads. An entry stays in the log until the live document holds it (`applied`): a
 * compaction writes the live document's state, so it never folds an entry it lacks.
 */
export class DocumentLog {
	readonly repository: DocumentRepository;
	readonly updates: UpdateLog;
	private states = new Map<string, LogState>();
	private closed = false;
	/** Observes each append's latency (ops/metrics.ts). */
	private readonly metrics: Pick<Metrics, 'logAppendSeconds'> | undefined;

	constructor(repository: DocumentRepository, metrics?: Pick<Metrics, 'logAppendSeconds'>) {
		this.repository = repository;
		this.updates = new UpdateLog(repository);
		this.metrics = metrics;
	}

	/** Applies what is stored (compacted state, then the log) to the live document. */
	async load(document: Document): Promise<void> {
		let stored: Awaited<ReturnType<DocumentRepository['load']>>;
		try {
			stored = await this.repository.load(document.name);
		} catch (error) {
			// Our database is out of reach: an outage, never a loss of access (the client keeps
			// its copy and tries again).
			if (isDatabaseUnavailable(error)) throw unavailable(error);
			throw error;
		}
		Y.transact(document, () => applyStored(document, stored), LOAD_ORIGIN);
		this.states.set(document.name, {
			document,
			inFlight: new Set(),
			appending: 0,
			lastSeq: stored.updates.at(-1)?.seq ?? 0,
			sinceCompaction: stored.updates.length,
			compacting: false
		});
	}

	/**
	 * Appends an update; resolves to its sequence number once committed. The entry is kept out
	 * of compaction until `applied` says the live document holds it.
	 */
	async append(name: string, update: Uint8Array): Promise<number> {
		const state = this.states.get(name);
		if (state) state.appending++;
		const started = performance.now();
		try {
			const seq = await this.updates.append(name, update);
			this.metrics?.logAppendSeconds.observe(secondsSince(started));
			if (state) {
				state.inFlight.add(seq);
				state.lastSeq = Math.max(state.lastSeq, seq);
				state.sinceCompaction++;
			}
			return seq;
		} finally {
			if (state) state.appending--;
		}
	}

	/** The live document holds the entry `seq` now: a compaction may fold it. */
	applied(name: string, seq: number): void {
		this.states.get(name)?.inFlight.delete(seq);
	}

	/** Compacts the document once enough updates were appended since the last compaction. */
	compactIfDue(document: Document): void {
		const state = this.states.get(document.name);
		if (state && state.sinceCompaction >= COMPACT_AFTER) void this.compact(document);
	}

	/** Folds the log into the stored state, keeping every entry not yet applied. */
	async compact(document: Document): Promise<void> {
		// After close the database is being closed: what is logged stays in the log.
		if (this.closed) return;
		const state = this.states.get(document.name);
		if (!state || state.compacting || state.appending > 0 || state.lastSeq === 0) return;
		try {
			await this.fold(document, state);
		} catch (error) {
			logger.error({ err: error }, `compaction of ${document.name} failed`);
		}
	}

	/**
	 * Compacts now, waiting for a compaction or appends under way to finish first; throws when
	 * it cannot (the database failed, or shutdown began). Retention needs the stored state and log
	 * rewritten without what it deleted, not a compaction skipped because another was running.
	 */
	async compactNow(document: Document, timeoutMs = 30_000): Promise<void> {
		const started = Date.now();
		for (;;) {
			const state = this.states.get(document.name);
			if (!state || this.closed) throw new Error(`${document.name} cannot be compacted now`);
			if (!state.compacting && state.appending === 0) {
				await this.fold(document, state);
				return;
			}
			if (Date.now() - started > timeoutMs) {
				throw new Error(`${document.name} stayed busy for ${timeoutMs} ms`);
			}
			await new Promise((resolve) => setTimeout(resolve, 10));
		}
	}

	/**
	 * The compaction itself, marked as under way while it runs: the document's state stored in
	 * place of the log up to the entry before the first not yet applied.
	 */
	private async fold(document: Document, state: LogState): Promise<void> {
		state.compacting = true;
		try {
			const upto = state.inFlight.size > 0 ? Math.min(...state.inFlight) - 1 : state.lastSeq;
			const appendedSince = state.sinceCompaction;
			await this.repository.compact(document.name, Y.encodeStateAsUpdate(document), upto);
			state.sinceCompaction = Math.max(0, state.sinceCompaction - appendedSince);
		} finally {
			state.compacting = false;
		}
	}

	/** Compacts every loaded document, one after another (shutdown). */
	async compactAll(): Promise<void> {
		for (const state of [...this.states.values()]) await this.compact(state.document);
	}

	/** The document was unloaded. */
	forget(name: string): void {
		this.states.delete(name);
	}

	/**
	 * On shutdown: no compaction starts after this. With `abandon` (the deadline passed with a
	 * database out of reach), every append not committed yet is given up: its authors never saw
	 * it stamped and send it again when they reconnect.
	 */
	close(abandon: boolean): void {
		this.closed = true;
		if (!abandon) return;
		logger.warn(
			{ waiting: this.updates.waiting },
			'shutdown deadline passed with updates not stored; their authors will send them again'
		);
		this.updates.abandon();
	}
}
