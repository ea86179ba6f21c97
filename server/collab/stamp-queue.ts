import * as Y from 'yjs';
import { OutgoingMessage, type Connection, type Document } from '@hocuspocus/server';
import type { CollabContext } from './context.ts';
import type { DocumentLog } from './document-log.ts';

/**
 * How long the others' copy of a logged stamp may wait for the document's next change to ride
 * with: its author has it at once, everyone else sees the message already (unstamped, last).
 */
export const STAMP_RIDE_MS = 1_000;

/** Marks updates the server itself makes (acceptance times, moderation, sealing). */
export const SERVER_ORIGIN = { source: 'connectflow-server' } as const;

/** The server's own change to a document, written on its shadow copy. */
export type ServerChange = (doc: Y.Doc) => void;

interface LoggedStamp {
	update: Uint8Array;
	seq: number;
}

interface DocumentStamps {
	document: Document;
	/**
	 * A copy that the server writes on first: its update is made durable before it is applied
	 * to the live document, so no client ever holds a server write that a crash could lose.
	 */
	shadow: Y.Doc;
	/** Logged stamps sent to their authors but not yet applied to the live document. */
	waiting: LoggedStamp[];
	/** Applies `waiting` if no change of the document has taken them along by then. */
	timer: ReturnType<typeof setTimeout> | null;
}

/**
 * The server's own changes to each loaded document, above all the acceptance stamps that a
 * sender's screen reads as "sent". Each is written on the document's shadow copy first, logged,
 * and only then applied to the live document. A stamp logged with its client update goes at once
 * to its author's connections and waits for everyone else: it is applied to the live document
 * (and so relayed) together with the document's next change, or after STAMP_RIDE_MS, so that a
 * message costs each member one frame, not two.
 */
export class StampQueue {
	readonly log: DocumentLog;
	private documents = new Map<string, DocumentStamps>();

	constructor(log: DocumentLog) {
		this.log = log;
	}

	/** Starts the shadow copy of a document just loaded. */
	open(document: Document): void {
		const shadow = new Y.Doc();
		Y.applyUpdate(shadow, Y.encodeStateAsUpdate(document));
		this.documents.set(document.name, { document, shadow, waiting: [], timer: null });
	}

	/**
	 * Writes a server change on the shadow copy and returns its update, to be logged (null when
	 * it changed nothing, or the document is not loaded).
	 */
	prepare(document: Document, change: ServerChange): Uint8Array | null {
		const stamps = this.documents.get(document.name);
		return stamps ? writeOnShadow(stamps, change) : null;
	}

	/** The server's own copy of a document: every stamp logged, whether released or not. */
	shadowOf(document: Document): Y.Doc | null {
		return this.documents.get(document.name)?.shadow ?? null;
	}

	/**
	 * A prepared stamp is logged as `seq`: it goes to its author's connections now, and to the
	 * live document (so to everyone else) with the document's next change.
	 */
	logged(document: Document, stamp: Uint8Array, seq: number, authorId: string): void {
		const stamps = this.documents.get(document.name);
		if (!stamps) return;
		for (const connection of document.getConnections() as Connection<CollabContext>[]) {
			if (connection.context.user.id !== authorId) continue;
			const message = new OutgoingMessage(connection.messageAddress).createSyncMessage();
			connection.send(message.writeUpdate(stamp).toUint8Array());
		}
		stamps.waiting.push({ update: stamp, seq });
		stamps.timer ??= setTimeout(() => this.release(document), STAMP_RIDE_MS);
	}

	/**
	 * Applies the waiting stamps to the live document, which relays them to every connection
	 * (together with a change applied in the same turn); their log entries may now be compacted.
	 */
	release(document: Document): void {
		const stamps = this.documents.get(document.name);
		if (stamps) release(stamps, this.log);
	}

	releaseAll(): void {
		for (const stamps of this.documents.values()) release(stamps, this.log);
	}

	/**
	 * Makes a server-only change (moderation, sealing, stamps a crash left out): written on the
	 * shadow copy, appended to the log, and only then applied to the live document and sent.
	 */
	async write(document: Document, change: ServerChange): Promise<void> {
		const stamps = this.documents.get(document.name);
		if (!stamps) return;
		const update = writeOnShadow(stamps, change);
		if (!update) return;
		// Written after the waiting stamps on the shadow, so it depends on them: they go first.
		release(stamps, this.log);
		let seq: number;
		try {
			seq = await this.log.append(document.name, update);
		} catch (error) {
			this.lost(document);
			throw error;
		}
		// Entries logged before this one (the log keeps their order) may have stamps still
		// waiting: they go first, or this update would wait for them in the live document.
		release(stamps, this.log);
		Y.applyUpdate(document, update, SERVER_ORIGIN);
		this.log.applied(document.name, seq);
	}

	/**
	 * A server change written on the shadow could not be logged, so it will never be applied: the
	 * shadow starts over as a copy of the live document (with a new client id), or later server
	 * changes would depend on the lost one and never apply.
	 */
	lost(document: Document): void {
		const stamps = this.documents.get(document.name);
		if (!stamps) return;
		stamps.shadow.destroy();
		stamps.shadow = new Y.Doc();
		Y.applyUpdate(stamps.shadow, Y.encodeStateAsUpdate(document));
		// Logged stamps the live document has not taken yet are part of the server's area too.
		for (const stamp of stamps.waiting) Y.applyUpdate(stamps.shadow, stamp.update);
	}

	/** The document was unloaded (its waiting stamps were released before). */
	close(name: string): void {
		const stamps = this.documents.get(name);
		if (stamps?.timer) clearTimeout(stamps.timer);
		stamps?.shadow.destroy();
		this.documents.delete(name);
	}

	/** On shutdown: no timer is left to fire. */
	stop(): void {
		for (const stamps of this.documents.values()) {
			if (stamps.timer) clearTimeout(stamps.timer);
			stamps.timer = null;
		}
	}
}

function release(stamps: DocumentStamps, log: DocumentLog): void {
	if (stamps.timer) clearTimeout(stamps.timer);
	stamps.timer = null;
	if (stamps.waiting.length === 0) return;
	const waiting = stamps.waiting;
	stamps.waiting = [];
	// One transaction: one change, one frame.
	Y.transact(
		stamps.document,
		() => waiting.forEach((stamp) => Y.applyUpdate(stamps.document, stamp.update)),
		SERVER_ORIGIN
	);
	for (const stamp of waiting) log.applied(stamps.document.name, stamp.seq);
}

/** Makes a server change on the shadow copy and returns its update (null if it changed nothing). */
function writeOnShadow(stamps: DocumentStamps, change: ServerChange): Uint8Array | null {
	const updates: Uint8Array[] = [];
	const capture = (update: Uint8Array) => updates.push(update);
	stamps.shadow.on('update', capture);
	try {
		Y.transact(stamps.shadow, () => change(stamps.shadow), SERVER_ORIGIN);
	} finally {
		stamps.shadow.off('update', capture);
	}
	if (updates.length === 0) return null;
	return updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates);
}
