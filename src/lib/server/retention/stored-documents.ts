import * as Y from 'yjs';
import { applyStored, type DocumentRepository } from '../documents/document.repository.ts';
import { purgeMessages, type MessageRef } from '#shared/chat/document-schema.ts';

/**
 * Removes messages from a Yjs document for good: from its live copy and from what is stored
 * (the compacted state and the update log). `at` is the run's time, written into the document
 * as its retention mark, which tells browsers to rewrite their local copies.
 */
export type DocumentPurger = (
	name: string,
	refs: readonly MessageRef[],
	at: number
) => Promise<void>;

/**
 * The purge of a document no collaboration server holds (the default, and the tests of the
 * service alone): the stored state and log are loaded into a document with garbage collection,
 * the messages deleted there, and the stored state replaced by its new encoding while every log
 * entry read is dropped, in one transaction. The deleted values are in none of them any more.
 */
export function storedDocumentPurger(documents: DocumentRepository): DocumentPurger {
	return async (name, refs, at) => {
		const stored = await documents.load(name);
		if (!stored.state && stored.updates.length === 0) return;
		const doc = new Y.Doc({ gc: true });
		try {
			applyStored(doc, stored);
			purgeMessages(doc, refs, at);
			const upto = stored.updates.at(-1)?.seq ?? 0;
			await documents.compact(name, Y.encodeStateAsUpdate(doc), upto);
		} finally {
			doc.destroy();
		}
	};
}
