import { closeSharedConnection } from './collab/connection.svelte.ts';
import { clearLocalCopies } from './collab/local-copy.ts';

/**
 * Sign-out leaves nothing of the person in this browser: the socket closes, every local copy
 * of their documents is deleted, and the service worker forgets the pages and API answers it
 * kept for offline use. Runs after the app has left the signed-in pages, so that no document
 * still holds its IndexedDB database open.
 */
export async function forgetPersonalData(userId: string): Promise<void> {
	closeSharedConnection();
	await clearLocalCopies(userId);
	navigator.serviceWorker?.controller?.postMessage({ type: 'clear-personal-data' });
	if (typeof caches !== 'undefined') await caches.delete('cf-pages');
	try {
		for (const key of Object.keys(localStorage)) {
			if (key.startsWith(`connectflow:${userId}:`)) localStorage.removeItem(key);
		}
	} catch {
		// Storage can be unavailable (private mode); nothing is kept there then.
	}
}
