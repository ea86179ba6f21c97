import * as Y from 'yjs';
import type {
	afterHandleMessagePayload,
	afterUnloadDocumentPayload,
	beforeHandleMessagePayload,
	beforeSyncPayload,
	beforeUnloadDocumentPayload,
	Connection,
	Document,
	Extension,
	onLoadDocumentPayload
} from '@hocuspocus/server';
import { messageYjsSyncStep2 } from 'y-protocols/sync';
import { initServerArea, MAX_UPDATE_BYTES, parseEntryKey } from '#shared/chat/document-schema.ts';
import { parsePresenceDocumentName } from '#shared/chat/presence.ts';
import { parseFeedDocumentName } from '#shared/feed/feed-event.ts';
import { closeReason } from '#shared/collab/close-reasons.ts';
import { secondsSince, type Metrics } from '#server/ops/metrics.ts';
import { logger } from '#server/logging/logger.ts';
import type { Acceptance } from './acceptance.ts';
import type { AttachmentCheck } from './attachment-check.ts';
import type { CollabContext } from './context.ts';
import type { DocumentLog } from './document-log.ts';
import { carriesUpdate } from './frames.ts';
import type { StampQueue } from './stamp-queue.ts';
import { checkUpdate, type GuardedChanges, type RefusalCause } from './update-guard.ts';

/** Frame overhead beyond the update itself: document name and message type headers. */
const FRAME_OVERHEAD = 1024;

/** How a refused update closes its connection: what the client is to do about it. */
type RefusalCode = 'resync' | 'stale' | 'refused';

type Guarded =
	{ ok: true; changes: GuardedChanges } | { ok: false; code: RefusalCode; text: string };

/**
 * The one way a client's update enters a conversation document, in four steps, all visible in
 * `beforeSync` (Hocuspocus calls it for every sync message before it applies anything). Before
 * them, an update waits while the sender's rights are being read again after a committed change
 * (`rightsReread`, set by access-watcher.ts), so that it is judged by the rights of now.
 *
 * 1. **guard**: the update is checked against the live document (update-guard.ts) and the
 *    sender's rights; a refusal closes that document's connection and nothing of it is applied.
 * 2. **log**: the update and the server's acceptance stamps for its new messages are appended
 *    to the document's log as one entry (document-log.ts); the append starts, not awaited.
 * 3. **relay**: Hocuspocus applies the update and relays it to every other connection as soon
 *    as the hook returns, so delivery does not wait for the disk; its `afterHandleMessage`
 *    says when that is done.
 * 4. **stamp**: once the entry is committed and the update relayed, the stamps go to their
 *    author (who reads them as "sent") and wait for everyone else (stamp-queue.ts), and the
 *    rest of acceptance follows (acceptance.ts: record, moderation, sealing).
 *
 * So what shows as sent survives a crash at any moment. A crash between relay and commit
 * leaves other clients holding an update the server lost: their next sync is refused as
 * "stale", they rebuild their copy from the server, and the sender, who never saw it stamped,
 * sends it again. The extension also opens each document (load, shadow copy, repair) and
 * closes it (waits for its ingests, compacts).
 */
export class IngestExtension implements Extension {
	readonly extensionName = 'connectflow-ingest';
	readonly priority = 800;
	readonly log: DocumentLog;
	readonly stamps: StampQueue;
	readonly acceptance: Acceptance;
	readonly attachments: AttachmentCheck;
	/** Runs a document's repair on load (in one process only, when scaled out). */
	readonly loadWork: (documentName: string, work: () => Promise<void>) => Promise<void>;
	/** Per connection, the message Hocuspocus is applying: resolved once it is relayed. */
	private relays = new WeakMap<Connection, () => void>();
	private readonly metrics: Pick<Metrics, 'acknowledgementSeconds'> | undefined;
	/** Per document, ingests relayed but not yet logged and stamped: unload waits for them. */
	private unstamped = new Map<string, Set<Promise<void>>>();

	constructor(deps: {
		log: DocumentLog;
		stamps: StampQueue;
		acceptance: Acceptance;
		attachments: AttachmentCheck;
		loadWork?: (documentName: string, work: () => Promise<void>) => Promise<void>;
		/** Observes each update's durable acknowledgement (ops/metrics.ts). */
		metrics?: Pick<Metrics, 'acknowledgementSeconds'>;
	}) {
		this.metrics = deps.metrics;
		this.log = deps.log;
		this.stamps = deps.stamps;
		this.acceptance = deps.acceptance;
		this.attachments = deps.attachments;
		this.loadWork = deps.loadWork ?? ((_name, work) => work());
	}

	async onLoadDocument({ document, documentName }: onLoadDocumentPayload): Promise<void> {
		// Presence and feed documents hold nothing: they carry stateless messages only.
		if (parsePresenceDocumentName(documentName) !== null) return;
		if (parseFeedDocumentName(documentName) !== null) return;
		await this.log.load(document);
		this.stamps.open(document);
		this.unstamped.set(documentName, new Set());
		await this.stamps.write(document, (area) => initServerArea(area));
		await this.loadWork(documentName, () => this.acceptance.repair(document));
	}

	async beforeHandleMessage({
		update,
		connection,
		context
	}: beforeHandleMessagePayload<CollabContext>): Promise<void> {
		if (update.byteLength > MAX_UPDATE_BYTES + FRAME_OVERHEAD) {
			refuse(connection, context, 'refused', 'message too large');
		}
	}

	async beforeSync({
		type,
		payload: update,
		connection,
		context,
		document
	}: beforeSyncPayload<CollabContext>): Promise<void> {
		const received = performance.now();
		// 0. Rights: a change to them was just committed and they are being read again
		// (access-watcher.ts): the update is judged by the rights after the change, not before.
		if (context.kind === 'channel' && context.rightsReread && carriesUpdate(type)) {
			if (!(await context.rightsReread) && !context.refused) {
				refuse(connection, context, 'resync', 'your rights could not be checked now');
			}
		}
		// 1. Guard: checked against the live document, which nothing of the update has reached.
		let changes: GuardedChanges | null = null;
		if (carriesUpdate(type) && !context.refused) {
			const guarded = guard(document, type, update, context);
			if (guarded.ok) changes = guarded.changes;
			else refuse(connection, context, guarded.code, guarded.text);
		}
		// 1b. Files: messages that carry files wait for the database's word on them (the only
		// step that waits, and only for those). Other connections' updates may apply meanwhile,
		// so the update is guarded again against the live document as it is then.
		const carried = changes && context.kind === 'channel' ? this.attachments.carried(changes) : [];
		if (carried.length > 0 && context.kind === 'channel') {
			const problem = await this.attachments.problem(context, carried).catch(() => 'unchecked');
			changes = null;
			if (problem === 'unchecked') {
				refuse(connection, context, 'resync', 'files could not be checked now');
			} else if (problem) {
				refuse(connection, context, 'refused', problem);
			} else if (!context.refused) {
				const again = guard(document, type, update, context);
				if (again.ok) changes = again.changes;
				else refuse(connection, context, again.code, again.text);
			}
		}
		if (context.refused && type === messageYjsSyncStep2) {
			// Hocuspocus still decodes a refused (read-only) connection's sync step 2, to answer
			// whether it changes anything, and prints the stack of whatever a crafted one throws.
			// The payload is a view of the frame it reads: emptied, it decodes as an update of
			// nothing.
			update.fill(0);
		}
		if (context.kind !== 'channel') return;
		// Waiting stamps go with whatever comes in: a client's change (Hocuspocus sends both in
		// one frame), or a sync step 1, so that no client's reply can carry a stamp it got at
		// once that the live document still lacks (the guard would take it for a change the
		// server lost).
		this.stamps.release(document);
		// Hocuspocus applies nothing a read-only (or refused) connection sends, and an empty sync
		// step 2 ([0, 0]) changes nothing: neither needs a log entry.
		if (changes === null || connection.readOnly || update.byteLength <= 2) return;

		// 2. Log: the update and the acceptance stamps of its new messages, one entry. Not
		// awaited: the log retries a failing database in order until it is stored (update-log.ts).
		const { stamp, messages } = this.acceptance.stamp(document, context.user.id, changes);
		const logged = this.log.append(document.name, stamp ? Y.mergeUpdates([update, stamp]) : update);
		logged.catch(() => {}); // a failure is handled in step 4, once the update is relayed

		// 3. Relay: Hocuspocus applies the update and relays it as soon as this hook returns;
		// afterHandleMessage resolves `relayed` then.
		const relayed = new Promise<void>((resolve) => this.relays.set(connection, resolve));

		// 4. Stamp, once the update is relayed and its entry committed.
		const stamped = relayed
			.then(() => logged)
			.then(
				(seq) => {
					if (stamp) this.stamps.logged(document, stamp, seq, context.user.id);
					else this.log.applied(document.name, seq);
					this.metrics?.acknowledgementSeconds.observe(secondsSince(received));
					if (changes.written.length > 0 || changes.moderated.length > 0) {
						this.acceptance.accepted(document, context, changes, messages).catch((error) => {
							logger.error({ err: error }, `accepting a change to ${document.name} failed`);
						});
					}
					if (carried.length > 0) {
						this.attachments.attach(carried).catch((error) => {
							logger.error({ err: error }, `tying files to messages of ${document.name} failed`);
						});
					}
					this.log.compactIfDue(document);
				},
				(error: unknown) => {
					// Only when the server closed (past its deadline) while the log was failing.
					logger.warn({ err: error }, `an update of ${document.name} could not be logged`);
					this.stamps.lost(document);
				}
			);
		const waiting = this.unstamped.get(document.name);
		waiting?.add(stamped);
		void stamped.finally(() => waiting?.delete(stamped));
	}

	/** Step 3 is done: Hocuspocus has applied and relayed the connection's message. */
	async afterHandleMessage({ connection }: afterHandleMessagePayload<CollabContext>) {
		const relayed = this.relays.get(connection);
		this.relays.delete(connection);
		relayed?.();
	}

	/** Resolves once every relayed update is logged and its stamps are on the live document. */
	async idle(): Promise<void> {
		for (const waiting of this.unstamped.values()) await Promise.all(waiting);
		this.stamps.releaseAll();
	}

	async beforeUnloadDocument({ document }: beforeUnloadDocumentPayload): Promise<void> {
		await Promise.all(this.unstamped.get(document.name) ?? []);
		this.stamps.release(document);
		await this.log.compact(document);
	}

	async afterUnloadDocument({ documentName }: afterUnloadDocumentPayload): Promise<void> {
		this.stamps.close(documentName);
		this.log.forget(documentName);
		this.unstamped.delete(documentName);
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
			await this.log.compactAll();
		};
		const outcome = await Promise.race([finish(), deadline]);
		clearTimeout(timer);
		this.log.close(outcome === 'late');
		this.stamps.stop();
	}
}

/** Step 1: why the update must be refused, or what it changes. */
function guard(
	document: Document,
	type: number,
	update: Uint8Array,
	context: CollabContext
): Guarded {
	if (context.kind !== 'channel') {
		// The sync handshake's empty update ([0, 0]) is all a presence or feed document may
		// receive.
		return update.byteLength <= 2
			? { ok: true, changes: { written: [], moderated: [] } }
			: { ok: false, code: 'refused', text: 'this document is read-only' };
	}
	const { user, access, endsAt } = context;
	// The end takes effect at its moment, whenever the access watcher gets to the connection.
	const ended = endsAt !== null && Date.now() >= endsAt;
	const verdict = checkUpdate(document, update, {
		userId: user.id,
		canModerate: access.moderate && !ended,
		readOnly: !access.react || ended
	});
	if (!verdict.ok)
		return { ok: false, code: refusalCode(type, verdict.cause), text: verdict.reason };
	if (!access.post && verdict.changes.written.some((entry) => isMessageKey(entry.key))) {
		return { ok: false, code: 'refused', text: 'you may not post in this channel' };
	}
	return verdict;
}

/**
 * How a client should take a refusal. A gap in the sender's own history is no offence: "resync",
 * the client syncs again. A sync that carries changes in other people's areas that the server
 * lacks is what an honest client holds after the server relayed an update and crashed before
 * logging it: "stale", the client rebuilds its copy from the server and sends its own changes
 * again. Either way nothing of it is applied.
 */
function refusalCode(type: number, cause: RefusalCause): RefusalCode {
	if (cause === 'gap') return 'resync';
	if (cause === 'elsewhere' && type === messageYjsSyncStep2) return 'stale';
	return 'refused';
}

/**
 * Refuses what a connection sent: one line in its log, and the document's connection closed
 * with the reason (the client acts on its code). It is not thrown: Hocuspocus would print each
 * thrown refusal with its stack. Instead the connection turns read-only, so that Hocuspocus
 * applies nothing of this frame nor of what is still queued behind it, and none of it is logged
 * (`context.refused`); and after the close it sends nothing more, as after a thrown refusal: a
 * sync reply to a frame still queued would reach the client's next connection to the document
 * and make it send before it is in sync ("resync").
 */
function refuse(
	connection: Connection,
	context: CollabContext,
	code: RefusalCode,
	text: string
): void {
	if (context.refused) return;
	context.refused = code;
	const close = closeReason(code, text);
	context.log.warn({ code, reason: close.reason }, 'update refused');
	connection.readOnly = true;
	connection.close(close);
	connection.send = () => {};
}

function isMessageKey(key: string): boolean {
	return parseEntryKey(key)?.kind === 'message';
}
