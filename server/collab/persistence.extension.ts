import * as Y from 'yjs';
import {
	OutgoingMessage,
	type afterHandleMessagePayload,
	type afterUnloadDocumentPayload,
	type beforeSyncPayload,
	type Connection,
	type Document,
	type Extension,
	type onLoadDocumentPayload
} from '@hocuspocus/server';
import {
	applyStored,
	type DocumentRepository
} from '../../src/lib/server/documents/document.repository.ts';
import type { UpdateLog } from '../../src/lib/server/documents/update-log.ts';
import { initServerArea } from '../../src/lib/shared/chat/document-schema.ts';
import { parsePresenceDocumentName } from '../../src/lib/shared/chat/presence.ts';
import { acceptedChanges } from './validation.extension.ts';
import type { GuardedChanges } from './update-guard.ts';
import { CollabRefusal, closeCodes, type ChannelContext, type CollabContext } from './context.ts';
import { logger } from '../../src/lib/server/logging/logger.ts';
import { isDatabaseUnavailable } from '../../src/lib/server/errors.ts';

const SYNC_STEP_2 = 1;
const SYNC_UPDATE = 2;
/** Updates appended since the last compaction before the document is compacted again. */
const COMPACT_AFTER = 200;
/**
 * How long the others' copy of a logged stamp may wait for the document's next change to ride
 * with: its author has it at once, everyone else sees the message already (unstamped, last).
 */
export const STAMP_RIDE_MS = 1_000;

/** Marks updates the server itself makes (acceptance times, moderation, sealing). */
export const SERVER_ORIGIN = { source: 'connectflow-server' } as const;
const LOAD_ORIGIN = { source: 'connectflow-load' } as const;

interface DocumentState {
	document: Document;
	/** Sequence numbers appended but not yet applied: compaction must keep them in the log. */
	inFlight: Set<number>;
	/** Appends not yet answered: their sequence numbers are unknown, so compaction waits. */
	appending: number;
	lastSeq: number;
	sinceCompaction: number;
	compacting: boolean;
	/**
	 * A copy that the server writes on first: its update is made durable before it is applied
	 * to the live document, so no client ever holds a server write that a crash could lose.
	 */
	shadow: Y.Doc;
	/** Client updates relayed but not yet logged (and so not yet stamped): unload waits for them. */
	unlogged: Set<Promise<void>>;
	/** Logged stamps sent to their authors but not yet applied to the live document. */
	stamps: LoggedStamp[];
	/** Applies `stamps` if no change of the document has taken them along by then. */
	stampTimer: ReturnType<typeof setTimeout> | null;
}

interface LoggedStamp {
	update: Uint8Array;
	seq: number;
}

export interface AcceptedUpdate {
	document: Document;
	context: ChannelContext;
	changes: GuardedChanges;
	/**
	 * A copy holding every logged stamp: the live document may still lack this update's, which
	 * reach it with its next change (STAMP_RIDE_MS).
	 */
	stamped: Y.Doc;
}

/** An accepted client update between its checks and its log entry. */
interface Pending {
	logged: Promise<number>;
	/** The server's stamps for it, written on the shadow, for the live document once logged. */
	stamp: Uint8Array | null;
	changes: GuardedChanges;
	context: ChannelContext;
}

/** The server's own change that goes with an accepted client update (its acceptance stamps). */
export type ServerChange = (doc: Y.Doc) => void;

/**
 * Durability: every accepted client update is relayed to the others at once and appended to the
 * log in Postgres meanwhile; its acceptance stamps, which the sender's screen reads as "sent",
 * leave the server only once the entry is committed. So what shows as sent survives a crash at
 * any moment, and delivery does not wait for the disk. The stamps go at once to the author's
 * own connections; everyone else gets them with the document's next change (within
 * STAMP_RIDE_MS), so a message costs each member one frame, not two. A crash inside that window
 * leaves other clients holding an update the server lost: their next sync is closed as "stale"
 * (validation.extension.ts), they rebuild their copy from the server, and the sender, who never
 * saw it stamped, sends it again. The log is folded into a compacted state every COMPACT_AFTER
 * updates and when a document unloads.
 */
export class PersistenceExtension implements Extension {
	readonly extensionName = 'connectflow-persistence';
	readonly priority = 800;
	readonly repository: DocumentRepository;
	readonly log: UpdateLog;
	readonly onAccepted: (accepted: AcceptedUpdate) => void;
	readonly onLoaded: (document: Document) => Promise<void>;
	readonly serverChangeFor: (
		context: ChannelContext,
		changes: GuardedChanges
	) => ServerChange | null;
	private states = new Map<string, DocumentState>();
	private pending = new WeakMap<Connection, Pending>();
	private closed = false;

	constructor(deps: {
		repository: DocumentRepository;
		log: UpdateLog;
		onAccepted: (accepted: AcceptedUpdate) => void;
		onLoaded: (document: Document) => Promise<void>;
		serverChangeFor?: (context: ChannelContext, changes: GuardedChanges) => ServerChange | null;
	}) {
		this.repository = deps.repository;
		this.log = deps.log;
		this.onAccepted = deps.onAccepted;
		this.onLoaded = deps.onLoaded;
		this.serverChangeFor = deps.serverChangeFor ?? (() => null);
	}

	async onLoadDocument({ document, documentName }: onLoadDocumentPayload): Promise<void> {
		// A presence document holds nothing: it carries stateless messages only.
		if (parsePresenceDocumentName(documentName) !== null) return;
		let stored: Awaited<ReturnType<DocumentRepository['load']>>;
		try {
			stored = await this.repository.load(documentName);
		} catch (error) {
			// Our database is out of reach: an outage, never a loss of access (the client keeps
			// its copy and tries again).
			if (isDatabaseUnavailable(error)) throw unavailable(error);
			throw error;
		}
		Y.transact(document, () => applyStored(document, stored), LOAD_ORIGIN);
		const lastSeq = stored.updates.at(-1)?.seq ?? 0;
		const shadow = new Y.Doc();
		Y.applyUpdate(shadow, Y.encodeStateAsUpdate(document));
		this.states.set(documentName, {
			document,
			inFlight: new Set(),
			appending: 0,
			lastSeq,
			sinceCompaction: stored.updates.length,
			compacting: false,
			shadow,
			unlogged: new Set(),
			stamps: [],
			stampTimer: null
		});
		await this.writeServer(document, (area) => initServerArea(area));
		await this.onLoaded(document);
	}

	async beforeSync(payload: beforeSyncPayload<CollabContext>): Promise<void> {
		const context = payload.context;
		// A presence document holds nothing and validation lets through only its empty handshake.
		if (context.kind !== 'channel') return;
		const state = this.states.get(payload.documentName);
		if (!state) return;
		// Waiting stamps go with whatever comes in: a client's change (Hocuspocus sends both in
		// one frame), or a sync step 1, so that no client's reply can carry a stamp it got at once
		// that the live document still lacks (validation would take it for a change it lost).
		this.applyStamps(state);
		// A sync step 1 carries no change.
		if (payload.type !== SYNC_STEP_2 && payload.type !== SYNC_UPDATE) return;
		// Hocuspocus applies nothing a read-only connection sends (nor a refused one's: validation).
		if (payload.connection.readOnly) return;
		const changes = acceptedChanges.get(payload.payload);
		if (!changes) throw new Error('update reached persistence without validation');
		// An empty sync step 2 ([0, 0]) changes nothing and needs no log entry.
		if (payload.payload.byteLength <= 2) return;
		// The server's stamps for this update are written on the shadow now and logged in the
		// same entry as the update (one append); they reach the clients once it is durable.
		const change = this.serverChangeFor(context, changes);
		const stamp = change ? writeOnShadow(state, change) : null;
		const entry = stamp ? Y.mergeUpdates([payload.payload, stamp]) : payload.payload;
		// Not awaited: Hocuspocus applies and relays the update as soon as this hook returns. The
		// log retries a failing database in order until the entry is stored (update-log.ts).
		const logged = this.append(payload.documentName, entry);
		logged.catch(() => {}); // a failure is handled where it is awaited, in afterHandleMessage
		this.pending.set(payload.connection, { logged, stamp, changes, context });
	}

	async afterHandleMessage({ connection, document }: afterHandleMessagePayload<CollabContext>) {
		const accepted = this.pending.get(connection);
		if (!accepted) return;
		this.pending.delete(connection);
		const state = this.states.get(document.name);
		if (!state) return;
		const done = accepted.logged.then(
			(seq) => this.afterLogged(document, state, seq, accepted),
			(error: unknown) => {
				// Only when the server closed (past its deadline) while the log was failing.
				logger.warn({ err: error }, `an update of ${document.name} could not be logged`);
				resetShadow(state, document);
			}
		);
		state.unlogged.add(done);
		void done.finally(() => state.unlogged.delete(done));
	}

	/**
	 * The update is durable: its author's screens get its stamps now (they read them as "sent"),
	 * everyone else with the document's next change; the rest of acceptance (the message record,
	 * moderation, sealing) follows.
	 */
	private afterLogged(document: Document, state: DocumentState, seq: number, accepted: Pending) {
		const { context, changes, stamp } = accepted;
		if (stamp) this.stampLater(state, { update: stamp, seq }, context.user.id);
		else state.inFlight.delete(seq);
		if (changes.written.length > 0 || changes.moderated.length > 0) {
			this.onAccepted({ document, context, changes, stamped: state.shadow });
		}
		if (state.sinceCompaction >= COMPACT_AFTER) void this.compact(document);
	}

	/** Sends a logged stamp to its author's connections and keeps it for the next change. */
	private stampLater(state: DocumentState, stamp: LoggedStamp, authorId: string): void {
		for (const connection of state.document.getConnections() as Connection<CollabContext>[]) {
			if (connection.context.user.id !== authorId) continue;
			const message = new OutgoingMessage(connection.messageAddress).createSyncMessage();
			connection.send(message.writeUpdate(stamp.update).toUint8Array());
		}
		state.stamps.push(stamp);
		state.stampTimer ??= setTimeout(() => this.applyStamps(state), STAMP_RIDE_MS);
	}

	/**
	 * Applies the waiting stamps to the live document, which relays them to every connection
	 * (together with a change applied in the same turn); their log entries may now be compacted.
	 */
	private applyStamps(state: DocumentState): void {
		if (state.stampTimer) clearTimeout(state.stampTimer);
		state.stampTimer = null;
		if (state.stamps.length === 0) return;
		const stamps = state.stamps;
		state.stamps = [];
		// One transaction: one change, one frame.
		Y.transact(
			state.document,
			() => stamps.forEach((stamp) => Y.applyUpdate(state.document, stamp.update)),
			SERVER_ORIGIN
		);
		for (const stamp of stamps) state.inFlight.delete(stamp.seq);
	}

	/** Resolves once every relayed update is logged and its stamps are on the live document. */
	async idle(): Promise<void> {
		for (const state of this.states.values()) await Promise.all(state.unlogged);
		for (const state of this.states.values()) this.applyStamps(state);
	}

	async afterUnloadDocument({ documentName }: afterUnloadDocumentPayload): Promise<void> {
		const state = this.states.get(documentName);
		if (state?.stampTimer) clearTimeout(state.stampTimer);
		state?.shadow.destroy();
		this.states.delete(documentName);
	}

	/**
	 * Makes a server-only change (acceptance, moderation, sealing): written on the shadow copy,
	 * appended to the log, and only then applied to the live document and sent to clients.
	 */
	async writeServer(document: Document, change: (doc: Y.Doc) => void): Promise<void> {
		const state = this.states.get(document.name);
		if (!state) return;
		const update = writeOnShadow(state, change);
		if (!update) return;
		// Written after the waiting stamps on the shadow, so it depends on them: they go first.
		this.applyStamps(state);
		let seq: number;
		try {
			seq = await this.append(document.name, update);
		} catch (error) {
			resetShadow(state, document);
			throw error;
		}
		// Entries logged before this one (the log keeps their order) may have stamps still
		// waiting: they go first, or this update would wait for them in the live document.
		this.applyStamps(state);
		Y.applyUpdate(document, update, SERVER_ORIGIN);
		state.inFlight.delete(seq);
	}

	async beforeUnloadDocument({ document }: { document: Document }): Promise<void> {
		const state = this.states.get(document.name);
		if (state) {
			await Promise.all(state.unlogged);
			this.applyStamps(state);
		}
		await this.compact(document);
	}

	/** Folds the log into the stored state, keeping every update not yet applied. */
	async compact(document: Document): Promise<void> {
		// After close the database is being closed: what is logged stays in the log.
		if (this.closed) return;
		const state = this.states.get(document.name);
		if (!state || state.compacting || state.appending > 0 || state.lastSeq === 0) return;
		state.compacting = true;
		try {
			const upto = state.inFlight.size > 0 ? Math.min(...state.inFlight) - 1 : state.lastSeq;
			const appendedSince = state.sinceCompaction;
			await this.repository.compact(document.name, Y.encodeStateAsUpdate(document), upto);
			state.sinceCompaction = Math.max(0, state.sinceCompaction - appendedSince);
		} catch (error) {
			logger.error({ err: error }, `compaction of ${document.name} failed`);
		} finally {
			state.compacting = false;
		}
	}

	/**
	 * On shutdown: waits for the log, then compacts, within `deadlineMs`. Past it (a database
	 * that is out of reach) what is not logged is given up: its authors never saw it stamped and
	 * send it again when they reconnect. No compaction starts after this resolves.
	 */
	async close(deadlineMs: number): Promise<void> {
		let timer: ReturnType<typeof setTimeout> | undefined;
		const deadline = new Promise<'late'>((resolve) => {
			timer = setTimeout(() => resolve('late'), deadlineMs);
		});
		const finish = async () => {
			await this.idle();
			for (const state of [...this.states.values()]) await this.compact(state.document);
		};
		const outcome = await Promise.race([finish(), deadline]);
		clearTimeout(timer);
		this.closed = true;
		if (outcome === 'late') {
			logger.warn(
				{ waiting: this.log.waiting },
				'shutdown deadline passed with updates not stored; their authors will send them again'
			);
			this.log.abandon();
		}
		for (const state of this.states.values()) {
			if (state.stampTimer) clearTimeout(state.stampTimer);
			state.stampTimer = null;
		}
	}

	private async append(name: string, update: Uint8Array): Promise<number> {
		const state = this.states.get(name);
		if (state) state.appending++;
		try {
			const seq = await this.log.append(name, update);
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
}

/**
 * The refusal of a document while the database is out of reach: never "forbidden", which the
 * client takes for lost access. It keeps its copy and tries again.
 */
export function unavailable(error: unknown): CollabRefusal {
	logger.warn({ err: error }, 'database unavailable: a document could not be opened');
	return new CollabRefusal(
		closeCodes.unavailable,
		'unavailable: the server cannot reach its database'
	);
}

/** Makes a server change on the shadow copy and returns its update (null if it changed nothing). */
function writeOnShadow(state: DocumentState, change: (doc: Y.Doc) => void): Uint8Array | null {
	const updates: Uint8Array[] = [];
	const capture = (update: Uint8Array) => updates.push(update);
	state.shadow.on('update', capture);
	try {
		Y.transact(state.shadow, () => change(state.shadow), SERVER_ORIGIN);
	} finally {
		state.shadow.off('update', capture);
	}
	if (updates.length === 0) return null;
	return updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates);
}

/**
 * A server change written on the shadow could not be logged, so it will never be applied: the
 * shadow starts over as a copy of the live document (with a new client id), or later server
 * changes would depend on the lost one and never apply.
 */
function resetShadow(state: DocumentState, document: Document): void {
	state.shadow.destroy();
	state.shadow = new Y.Doc();
	Y.applyUpdate(state.shadow, Y.encodeStateAsUpdate(document));
	// Logged stamps the live document has not taken yet are part of the server's area too.
	for (const stamp of state.stamps) Y.applyUpdate(state.shadow, stamp.update);
}
