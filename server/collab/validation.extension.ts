import type {
	beforeHandleMessagePayload,
	beforeSyncPayload,
	Connection,
	Extension
} from '@hocuspocus/server';
import { MAX_UPDATE_BYTES, parseEntryKey } from '../../src/lib/shared/chat/document-schema.ts';
import { checkUpdate, refusalCause, type GuardedChanges } from './update-guard.ts';
import { closeCodes, reasonCode, type CollabContext } from './context.ts';

const SYNC_STEP_2 = 1;
const SYNC_UPDATE = 2;
/** Frame overhead beyond the update itself: document name and message type headers. */
const FRAME_OVERHEAD = 1024;

/** Accepted changes by the payload they came in, for the persistence and record extensions. */
export const acceptedChanges = new WeakMap<Uint8Array, GuardedChanges>();

/** Connections closed for a refusal: what they still had queued is dropped without a word. */
const refusedConnections = new WeakSet<Connection>();

export function isRefused(connection: Connection | undefined): boolean {
	return connection !== undefined && refusedConnections.has(connection);
}

/**
 * Checks every update before Hocuspocus applies it: size, decoding, that the conversation has
 * not ended, and that everything it changes belongs to the sender (update-guard.ts). A refusal
 * closes that document's connection with the reason; the server's copy never sees the update.
 */
export class ValidationExtension implements Extension {
	readonly extensionName = 'connectflow-validation';
	readonly priority = 900;

	async beforeHandleMessage({
		update,
		connection,
		context
	}: beforeHandleMessagePayload<CollabContext>): Promise<void> {
		if (update.byteLength > MAX_UPDATE_BYTES + FRAME_OVERHEAD) {
			refuse(connection, context, 'refused: message too large');
		}
	}

	async beforeSync(payload: beforeSyncPayload<CollabContext>): Promise<void> {
		if (payload.type !== SYNC_STEP_2 && payload.type !== SYNC_UPDATE) return;
		const { connection, context } = payload;
		const refusal = refusedConnections.has(connection) ? null : this.check(payload);
		if (refusal) refuse(connection, context, refusal);
		if (refusedConnections.has(connection) && payload.type === SYNC_STEP_2) {
			// Hocuspocus still decodes a read-only connection's sync step 2 (to answer whether it
			// changes anything), and prints the stack of whatever a crafted one throws. The payload
			// is a view of the frame it reads: emptied, it decodes as an update of nothing.
			payload.payload.fill(0);
		}
	}

	/** Why the update must be refused, or null when it may be applied. */
	private check(payload: beforeSyncPayload<CollabContext>): string | null {
		const context = payload.context;
		if (context.kind !== 'channel') {
			// The sync handshake's empty update ([0, 0]) is all a presence document may receive.
			return payload.payload.byteLength <= 2 ? null : 'refused: this document is read-only';
		}
		const { user, access, endsAt } = context;
		// The end takes effect at its moment, whenever the access watcher gets to the connection.
		const ended = endsAt !== null && Date.now() >= endsAt;
		const verdict = checkUpdate(payload.document, payload.payload, {
			userId: user.id,
			canModerate: access.moderate && !ended,
			readOnly: !access.react || ended
		});
		if (!verdict.ok) return `${refusalKind(payload.type, verdict.reason)}: ${verdict.reason}`;
		if (!access.post && verdict.changes.written.some((entry) => isMessageKey(entry.key))) {
			return 'refused: you may not post in this channel';
		}
		acceptedChanges.set(payload.payload, verdict.changes);
		return null;
	}
}

/**
 * Refuses what a connection sent: one line in its log, and the document's connection closed
 * with the reason (the client acts on it). It is not thrown: Hocuspocus would print each thrown
 * refusal with its stack, once per extension still to run. Instead the connection turns
 * read-only, so that Hocuspocus applies nothing of this frame nor of what is still queued
 * behind it, and the persistence extension logs none of it; and after the close it sends
 * nothing more, as after a thrown refusal: a sync reply to a frame still queued would reach the
 * client's next connection to the document and make it send before it is in sync ("resync").
 */
function refuse(connection: Connection, context: CollabContext, reason: string): void {
	if (refusedConnections.has(connection)) return;
	refusedConnections.add(connection);
	context.log.warn({ code: reasonCode(reason), reason }, 'update refused');
	connection.readOnly = true;
	connection.close({ code: closeCodes.updateRefused, reason });
	connection.send = () => {};
}

/**
 * How a client should take a refusal. A gap in the sender's own history is no offence: "resync",
 * the client syncs again. A sync that carries changes in other people's areas that the server
 * lacks is what an honest client holds after the server relayed an update and crashed before
 * logging it (persistence.extension.ts): "stale", the client rebuilds its copy from the server
 * and sends its own changes again. Either way nothing of it is applied.
 */
function refusalKind(type: number, reason: string): 'resync' | 'stale' | 'refused' {
	const cause = refusalCause(reason);
	if (cause === 'gap') return 'resync';
	if (cause === 'elsewhere' && type === SYNC_STEP_2) return 'stale';
	return 'refused';
}

function isMessageKey(key: string): boolean {
	return parseEntryKey(key)?.kind === 'message';
}
