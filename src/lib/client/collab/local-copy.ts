import { IndexeddbPersistence } from 'y-indexeddb';
import * as Y from 'yjs';
import { parseDocumentName } from '$lib/shared/chat/document-schema.ts';

/**
 * The browser's own copy of a document (IndexedDB through y-indexeddb). It is loaded into the
 * Y.Doc before the document is connected, so a conversation opens from the local copy at once
 * (and with no network at all), and everything written locally survives reloads until the
 * server has it.
 */
export interface LocalCopy {
	/** Resolves when what the browser holds has been applied to the document. */
	readonly loaded: Promise<void>;
	/** Stops writing the document to the copy (the copy stays). */
	destroy(): Promise<void>;
	/** Stops and deletes the copy. */
	clear(): Promise<void>;
	/**
	 * The server purged the document (retention) at `mark`: unless the copy was rewritten for
	 * that mark already, its stored updates (which still hold what was deleted) are replaced by
	 * the document's present state, in one IndexedDB transaction.
	 */
	rewrite(mark: number): Promise<void>;
}

/** Where a copy keeps the retention mark it was last rewritten for (y-indexeddb's own store). */
const RETENTION_SEEN_KEY = 'retention';

/** Makes the copy of one document; null where the browser keeps none. */
export type LocalCopyFactory = (documentName: string, doc: Y.Doc) => LocalCopy | null;

/** A browser that never answers (a blocked database) must not keep a conversation closed. */
const LOAD_TIMEOUT_MS = 4_000;
const CLEAR_TIMEOUT_MS = 3_000;
const DELETE_TIMEOUT_MS = 5_000;

export const LOCAL_COPY_PREFIX = 'connectflow';

/** The IndexedDB database of one person's copy of one document. */
export function localCopyName(userId: string, documentName: string): string {
	return `${LOCAL_COPY_PREFIX}:${userId}:${documentName}`;
}

function within<T>(promise: Promise<T>, ms: number): Promise<T | void> {
	return Promise.race([promise, new Promise<void>((resolve) => setTimeout(resolve, ms))]);
}

export function indexedDbCopies(userId: string): LocalCopyFactory {
	return (documentName, doc) => {
		if (typeof indexedDB === 'undefined') return null;
		const persistence = new IndexeddbPersistence(localCopyName(userId, documentName), doc);
		return {
			loaded: within(persistence.whenSynced, LOAD_TIMEOUT_MS).then(() => undefined),
			destroy: () => persistence.destroy(),
			clear: () => within(persistence.clearData(), CLEAR_TIMEOUT_MS).then(() => undefined),
			rewrite: async (mark) => {
				await within(persistence.whenSynced, LOAD_TIMEOUT_MS);
				const seen: unknown = await persistence.get(RETENTION_SEEN_KEY);
				if (typeof seen === 'number' && seen >= mark) return;
				const db = persistence.db;
				if (!db) return;
				// The document collects garbage: its encoding holds no deleted value.
				const state = Y.encodeStateAsUpdate(doc);
				await new Promise<void>((resolve, reject) => {
					const transaction = db.transaction(['updates', 'custom'], 'readwrite');
					const updates = transaction.objectStore('updates');
					updates.clear();
					updates.add(state);
					transaction.objectStore('custom').put(mark, RETENTION_SEEN_KEY);
					transaction.oncomplete = () => resolve();
					transaction.onerror = transaction.onabort = () => reject(transaction.error);
				});
			}
		};
	};
}

/** Deletes every local copy of a person's documents (sign-out), where the browser lists them. */
export async function clearLocalCopies(userId: string): Promise<void> {
	await deleteCopies(userId, () => true);
}

/**
 * Deletes the local copies of conversations the person no longer has (the server's channel
 * list does not name them): access lost while this browser was closed or offline.
 */
export async function clearCopiesExcept(
	userId: string,
	keep: ReadonlySet<string>
): Promise<number> {
	return deleteCopies(userId, (rest) => {
		const document = parseDocumentName(rest);
		// Only what the channel list speaks for: channels and direct conversations.
		if (!document || (document.kind !== 'channel' && document.kind !== 'dm')) return false;
		return !keep.has(document.id);
	});
}

async function deleteCopies(userId: string, matches: (rest: string) => boolean): Promise<number> {
	if (typeof indexedDB === 'undefined' || typeof indexedDB.databases !== 'function') return 0;
	const prefix = `${LOCAL_COPY_PREFIX}:${userId}:`;
	const databases = await indexedDB.databases();
	const doomed = databases.filter(
		(database) => database.name?.startsWith(prefix) && matches(database.name.slice(prefix.length))
	);
	await Promise.all(
		doomed.map(
			(database) =>
				new Promise<void>((resolve) => {
					const request = indexedDB.deleteDatabase(database.name!);
					// Blocked means another connection is closing (every one of ours closes on
					// "versionchange"): wait for the deletion itself, within reason.
					const timer = setTimeout(resolve, DELETE_TIMEOUT_MS);
					request.onsuccess = request.onerror = () => {
						clearTimeout(timer);
						resolve();
					};
				})
		)
	);
	return doomed.length;
}
