import * as Y from 'yjs';
import {
	acceptedKey,
	messageKey,
	moderatedKey,
	parseEntryKey,
	parseUserRoot,
	RETENTION_KEY,
	userRoot
} from './keys.ts';
import { serverArea } from './server-area.ts';

/** A message as a document names it: who wrote it and its id. */
export interface MessageRef {
	authorId: string;
	messageId: string;
}

/**
 * Removes messages from a document for good (retention): each message's entry in its author's
 * map, everyone's reactions to it and the server's stamps of it, and marks the document as
 * purged at `at`. Yjs keeps a deleted value's content only in a document without garbage
 * collection; with it (the default, and the server's), the content is dropped when this
 * transaction ends, and an encoding of the document no longer holds it. Returns how many
 * messages were there.
 */
export function purgeMessages(doc: Y.Doc, refs: readonly MessageRef[], at: number): number {
	if (!doc.gc) throw new Error('purging needs a document with garbage collection');
	let found = 0;
	const doomed = new Set(refs.map((ref) => ref.messageId));
	doc.transact(() => {
		const area = serverArea(doc);
		for (const { authorId, messageId } of refs) {
			const own = doc.getMap<unknown>(userRoot(authorId));
			const key = messageKey(messageId);
			if (own.has(key)) {
				own.delete(key);
				found++;
			}
			area.delete(acceptedKey(authorId, messageId));
			area.delete(moderatedKey(authorId, messageId));
		}
		// Everyone's reactions to them: one pass over each person's map.
		for (const name of [...doc.share.keys()]) {
			const personId = parseUserRoot(name);
			if (!personId) continue;
			const map = doc.getMap<unknown>(userRoot(personId));
			for (const entry of [...map.keys()]) {
				const parsed = parseEntryKey(entry);
				if (parsed?.kind === 'reaction' && doomed.has(parsed.messageId)) map.delete(entry);
			}
		}
		serverArea(doc).set(RETENTION_KEY, at);
	});
	return found;
}

/** When a retention run last purged the document (server time), or null. */
export function retentionMark(doc: Y.Doc): number | null {
	const value = serverArea(doc).get(RETENTION_KEY);
	return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
