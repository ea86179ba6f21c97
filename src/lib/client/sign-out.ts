import { closeSharedConnection } from './collab/connection.svelte.ts';
import { clearLocalCopies } from './collab/local-copy.ts';
import { chatStoreTeardown } from './collab/chat-store.svelte.ts';

/** Caches of the service worker that hold the person's pages and API answers. */
export const PERSONAL_CACHE_PREFIX = 'cf-pages';

/**
 * Sign-out leaves nothing of the person in this browser: the socket closes, every local copy
 * of their documents and their search index are deleted, and the service worker forgets the
 * pages and API answers it kept for offline use. Runs after the app has left the signed-in
 * pages (the chat store has closed its documents and its search index first).
 */
export async function forgetPersonalData(userId: string): Promise<void> {
	closeSharedConnection();
	await chatStoreTeardown();
	await clearLocalCopies(userId);
	const worker = navigator.serviceWorker?.controller;
	if (worker) {
		// The worker answers once its caches are gone (or we stop waiting).
		await new Promise<void>((resolve) => {
			const channel = new MessageChannel();
			const timer = setTimeout(resolve, 2_000);
			channel.port1.onmessage = () => {
				clearTimeout(timer);
				resolve();
			};
			worker.postMessage({ type: 'clear-personal-data' }, [channel.port2]);
		});
	}
	if (typeof caches !== 'undefined') {
		for (const key of await caches.keys()) {
			if (key.startsWith(PERSONAL_CACHE_PREFIX)) await caches.delete(key);
		}
	}
	try {
		for (const key of Object.keys(localStorage)) {
			if (key.startsWith(`connectflow:${userId}:`)) localStorage.removeItem(key);
		}
	} catch {
		// Storage can be unavailable (private mode); nothing is kept there then.
	}
}
