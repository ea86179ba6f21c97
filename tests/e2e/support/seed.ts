import type { Page } from '@playwright/test';
import { HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { SyncedProvider } from '../../../src/lib/client/collab/synced-provider.ts';
import {
	documentName,
	listMessages,
	postMessage
} from '../../../src/lib/shared/chat/document-schema.ts';

/**
 * History for a browser test, written the way a client writes it: a Node client signed in with
 * the page's session cookie posts into the channel's head document over the real socket, in
 * batches, and waits until the server holds every message. Hundreds of messages in a second or
 * two, where typing them in the composer would take minutes.
 */
export async function seedMessages(
	page: Page,
	channel: { id: string; headShard: number },
	count: number,
	text: (n: number) => string = (n) => `Seeded message ${n}`
): Promise<void> {
	const session = (await page.context().cookies()).find((cookie) => cookie.name === 'cf_session');
	if (!session) throw new Error('the page has no session cookie');
	const origin = new URL(page.url());
	class CookieSocket extends WebSocket {
		constructor(address: string | URL, protocols?: string | string[]) {
			super(address, protocols, { headers: { cookie: `cf_session=${session!.value}` } });
		}
	}
	const socket = new HocuspocusProviderWebsocket({
		url: `ws://${origin.host}/collab`,
		WebSocketPolyfill: CookieSocket as unknown as typeof globalThis.WebSocket
	});
	const doc = new Y.Doc();
	const provider = new SyncedProvider({
		websocketProvider: socket,
		name: documentName('channel', channel.id, channel.headShard),
		document: doc,
		token: 'cookie'
	});
	provider.attach();
	try {
		await until(() => provider.synced, 'the seeding client to sync');
		const me = await page.request.get('/api/me').then((response) => response.json());
		const userId = (me.user?.id ?? me.id) as string;
		const start = Date.now() - count * 60_000;
		for (let first = 1; first <= count; first += 50) {
			doc.transact(() => {
				for (let n = first; n < Math.min(count + 1, first + 50); n++) {
					postMessage(doc, userId, { text: text(n), now: start + n * 60_000 });
				}
			});
		}
		await until(
			() => !provider.hasUnsyncedChanges && listMessages(doc).length >= count,
			'the server to hold every seeded message'
		);
	} finally {
		provider.destroy();
		socket.destroy();
	}
}

async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
	const started = Date.now();
	while (!condition()) {
		if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
}
