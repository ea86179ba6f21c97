import type {
	beforeHandleAwarenessPayload,
	beforeHandleMessagePayload,
	beforeSyncPayload,
	Extension
} from '@hocuspocus/server';
import { MAX_UPDATE_BYTES, parseEntryKey } from '../../src/lib/shared/chat/document-schema.ts';
import { checkUpdate, refusalCause, type GuardedChanges } from './update-guard.ts';
import { CollabRefusal, closeCodes, type CollabContext } from './context.ts';

const SYNC_STEP_2 = 1;
const SYNC_UPDATE = 2;
/** Frame overhead beyond the update itself: document name and message type headers. */
const FRAME_OVERHEAD = 1024;

/** Accepted changes by the payload they came in, for the persistence and record extensions. */
export const acceptedChanges = new WeakMap<Uint8Array, GuardedChanges>();

/**
 * Checks every update before Hocuspocus applies it: size, decoding, and that everything it
 * changes belongs to the sender (update-guard.ts). A refusal closes that document's connection
 * with the reason; the server's copy never sees the update.
 */
export class ValidationExtension implements Extension {
	readonly extensionName = 'connectflow-validation';
	readonly priority = 900;

	async beforeHandleMessage({ update }: beforeHandleMessagePayload): Promise<void> {
		if (update.byteLength > MAX_UPDATE_BYTES + FRAME_OVERHEAD) {
			throw new CollabRefusal(closeCodes.updateRefused, 'refused: message too large');
		}
	}

	async beforeSync(payload: beforeSyncPayload<CollabContext>): Promise<void> {
		if (payload.type !== SYNC_STEP_2 && payload.type !== SYNC_UPDATE) return;
		if (payload.context.kind !== 'channel') {
			// The sync handshake's empty update ([0, 0]) is all a presence document may receive.
			if (payload.payload.byteLength <= 2) return;
			throw new CollabRefusal(closeCodes.updateRefused, 'refused: this document is read-only');
		}
		const { user, access } = payload.context;
		const verdict = checkUpdate(payload.document, payload.payload, {
			userId: user.id,
			canModerate: access.moderate,
			readOnly: !access.react
		});
		if (!verdict.ok) {
			const prefix = refusalKind(payload.type, verdict.reason);
			throw new CollabRefusal(closeCodes.updateRefused, `${prefix}: ${verdict.reason}`);
		}
		if (!access.post && verdict.changes.written.some((entry) => isMessageKey(entry.key))) {
			throw new CollabRefusal(
				closeCodes.updateRefused,
				'refused: you may not post in this channel'
			);
		}
		acceptedChanges.set(payload.payload, verdict.changes);
	}

	/** Presence and typing carry the authenticated person, whatever the client claimed. */
	async beforeHandleAwareness(payload: beforeHandleAwarenessPayload<CollabContext>): Promise<void> {
		const context = payload.context;
		if (!context) return;
		if (context.kind === 'presence') {
			// Presence travels as the server's summaries (presence.extension.ts): awareness here
			// would reach every tab of the organization.
			payload.states.clear();
			return;
		}
		const current = payload.awareness.getStates();
		for (const [clientId, state] of payload.states) {
			const owner = (current.get(clientId) as { user?: { id?: string } } | undefined)?.user?.id;
			if (owner && owner !== context.user.id) {
				payload.states.delete(clientId);
				continue;
			}
			if (state && typeof state === 'object') {
				state.user = { id: context.user.id, name: context.user.name };
			}
		}
	}
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
