import * as Y from 'yjs';
import { ARCHIVED_KEY, SERVER_ROOT, userRoot } from '#shared/chat/keys.ts';
import { MAX_UPDATE_BYTES } from '#shared/chat/limits.ts';
import { GuardRefusal, type Actor, type GuardedChanges, type GuardVerdict } from './guard/actor.ts';
import { liveValue } from './guard/areas.ts';
import { decodeGuarded } from './guard/decode.ts';
import { checkDeletions } from './guard/deletions.ts';
import { checkEntries } from './guard/entries.ts';
import { freshStructs } from './guard/fresh.ts';
import { checkItems } from './guard/items.ts';
import { placeContext } from './guard/places.ts';

/**
 * The server's authority over a channel document (schema: src/lib/shared/chat/document-schema.ts).
 * Every update a client sends (sync step 2 or update) goes through checkUpdate before it is
 * applied; a refusal closes that document's connection with the reason.
 *
 * The check reads the update and the server's copy and changes neither. It accepts an update
 * only if everything it would change is the sender's own: new items only as entries of the
 * sender's map `u:<userId>` with valid values, deletions only of the sender's items (or, for a
 * moderator, of other people's messages), and nothing that Yjs would keep pending.
 */

export type { Actor, GuardedChanges, GuardVerdict, RefusalCause } from './guard/actor.ts';

const refuse = (reason: string): GuardVerdict => ({ ok: false, cause: 'invalid', reason });

const noChanges = (): GuardedChanges => ({ written: [], moderated: [] });

function check(serverDoc: Y.Doc, update: Uint8Array, actor: Actor): GuardVerdict {
	if (update.byteLength > MAX_UPDATE_BYTES) {
		return refuse(`update too large (${update.byteLength} bytes, at most ${MAX_UPDATE_BYTES})`);
	}
	const decoded = decodeGuarded(update);
	if (typeof decoded === 'string') return refuse(decoded);
	if (decoded.isEmpty) return { ok: true, changes: noChanges() };

	const actorRoot = userRoot(actor.userId);
	// An archived document is read-only for everyone, whatever the connection was told.
	const readOnly = actor.readOnly || liveValue(serverDoc, SERVER_ROOT, ARCHIVED_KEY) === true;
	const ctx = placeContext(serverDoc, decoded.byClient);
	const fresh = freshStructs(ctx, decoded.byClient);
	if (typeof fresh === 'string') return refuse(fresh);
	if (readOnly && fresh.items.length > 0) return refuse('read-only: no changes allowed');
	const written = checkItems(ctx, fresh, actorRoot, decoded.deletions);
	if (typeof written === 'string') return refuse(written);
	const deleted = checkDeletions(ctx, decoded.deletions, fresh.ends, actor, actorRoot);
	if (typeof deleted === 'string') return refuse(deleted);
	if (readOnly && deleted.effective > 0) return refuse('read-only: no changes allowed');
	const problem = checkEntries(serverDoc, written, deleted.ownKeys, actor.userId, actorRoot);
	if (problem) return refuse(problem);
	return { ok: true, changes: { written, moderated: deleted.moderated } };
}

/**
 * Decides whether `update` (Yjs v1, as Hocuspocus carries it) from `actor` may be applied to
 * `serverDoc`, without applying it. An update that changes nothing (empty, or only content and
 * deletions the server already has) is accepted even from a read-only connection, because an
 * honest client's sync step 2 is exactly that.
 */
export function checkUpdate(serverDoc: Y.Doc, update: Uint8Array, actor: Actor): GuardVerdict {
	try {
		return check(serverDoc, update, actor);
	} catch (error) {
		if (error instanceof GuardRefusal) {
			return { ok: false, cause: error.refusalCause, reason: error.reason };
		}
		// Fail closed: whatever went wrong, nothing unchecked reaches the document.
		const message = error instanceof Error ? error.message : String(error);
		return refuse(`update could not be checked (${message})`);
	}
}
