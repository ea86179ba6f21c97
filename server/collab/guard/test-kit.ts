import * as Y from 'yjs';
import { initServerArea, markAccepted, recordModeration } from '#shared/chat/server-area.ts';
import { parseEntryKey } from '#shared/chat/keys.ts';
import { type Actor, checkUpdate, type GuardVerdict } from '../update-guard.ts';

/** Shared by the guard's tests: real Yjs documents, a server copy, guarded delivery. */

export const ALICE = 'a11ce000-0000-4000-8000-000000000001';
export const BOB = 'b0b00000-0000-4000-8000-000000000002';
export const CAROL = 'ca401000-0000-4000-8000-000000000003';

export const member = (userId: string): Actor => ({ userId, canModerate: false, readOnly: false });
export const moderator = (userId: string): Actor => ({
	userId,
	canModerate: true,
	readOnly: false
});
export const reader = (userId: string): Actor => ({ userId, canModerate: false, readOnly: true });

export function serverDoc(): Y.Doc {
	const doc = new Y.Doc();
	initServerArea(doc);
	return doc;
}

/** A client that starts as a full copy of the server's document. */
export function clientOf(server: Y.Doc): Y.Doc {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, Y.encodeStateAsUpdate(server));
	return doc;
}

/** The update one transaction on `doc` produces, as a provider would send it. */
export function change(doc: Y.Doc, act: () => void): Uint8Array {
	let update: Uint8Array | null = null;
	const record = (u: Uint8Array) => (update = u);
	doc.on('update', record);
	doc.transact(act);
	doc.off('update', record);
	if (!update) throw new Error('the change produced no update');
	return update;
}

/** What a reconnecting client sends: everything the server lacks, and its whole delete set. */
export const syncStep2 = (client: Y.Doc, server: Y.Doc) =>
	Y.encodeStateAsUpdate(client, Y.encodeStateVector(server));

export const snapshot = (doc: Y.Doc) => Buffer.from(Y.encodeStateAsUpdate(doc)).toString('hex');

/** Checks, and applies only if accepted, recording acceptance as the server would. */
export function deliver(server: Y.Doc, update: Uint8Array, actor: Actor, at = 1): GuardVerdict {
	const verdict = checkUpdate(server, update, actor);
	if (!verdict.ok) return verdict;
	Y.applyUpdate(server, update, 'client');
	server.transact(() => {
		for (const { key } of verdict.changes.written) {
			const parsed = parseEntryKey(key);
			if (parsed?.kind === 'message') markAccepted(server, actor.userId, parsed.messageId, at);
		}
		for (const { authorId, messageId } of verdict.changes.moderated) {
			recordModeration(server, authorId, messageId, { by: actor.userId, at });
		}
	}, 'server');
	return verdict;
}

/** Applying `update` to a copy of `server` would change it: the refusal prevented something. */
export function wouldChange(server: Y.Doc, update: Uint8Array): boolean {
	const copy = clientOf(server);
	try {
		Y.applyUpdate(copy, update);
	} catch {
		return true;
	}
	return snapshot(copy) !== snapshot(server) || copy.store.pendingStructs !== null;
}
