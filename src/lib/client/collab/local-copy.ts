import { IndexeddbPersistence } from 'y-indexeddb';
import type * as Y from 'yjs';

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
}

/** Makes the copy of one document; null where the browser keeps none. */
export type LocalCopyFactory = (documentName: string, doc: Y.Doc) => LocalCopy | null;

/** A browser that never answers (a blocked database) must not keep a conversation closed. */
const LOAD_TIMEOUT_MS = 4_000;
const CLEAR_TIMEOUT_MS = 3_000;

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
			clear: () => within(persistence.clearData(), CLEAR_TIMEOUT_MS).then(() => undefined)
		};
	};
}

/** Deletes every local copy of a person's documents (sign-out), where the browser lists them. */
export async function clearLocalCopies(userId: string): Promise<void> {
	if (typeof indexedDB === 'undefined' || typeof indexedDB.databases !== 'function') return;
	const prefix = `${LOCAL_COPY_PREFIX}:${userId}:`;
	const databases = await indexedDB.databases();
	await Promise.all(
		databases
			.filter((database) => database.name?.startsWith(prefix))
			.map(
				(database) =>
					new Promise<void>((resolve) => {
						const request = indexedDB.deleteDatabase(database.name!);
						request.onsuccess = request.onerror = request.onblocked = () => resolve();
					})
			)
	);
}
