import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import { SyncedProvider } from '../../../src/lib/client/collab/synced-provider.ts';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { createCollabServer, COLLAB_PATH, type CollabServer } from '../collab-server.ts';
import { createTestApp, type TestApp } from '../../../src/lib/server/testing/test-app.ts';
import type { DatabaseKind } from '../../../src/lib/server/testing/test-database.ts';

/**
 * A real collaboration server on a loopback port, over a real test database, and real providers
 * connecting to it over real WebSockets with a session cookie.
 */
export interface CollabHarness {
	app: TestApp;
	collab: CollabServer;
	url: string;
	connect(token: string, documentName: string): Promise<TestClient>;
	close(): Promise<void>;
}

export interface TestClient {
	doc: Y.Doc;
	provider: SyncedProvider;
	socket: HocuspocusProviderWebsocket;
	/** Reasons of every close the server sent for this document. */
	closes: string[];
	denied: string[];
	synced: Promise<void>;
	/** Resolves once the server acknowledged everything sent so far. */
	acknowledged(): Promise<void>;
	destroy(): void;
}

export async function startCollabHarness(kind: DatabaseKind): Promise<CollabHarness> {
	const app = await createTestApp(kind);
	const collab = createCollabServer(app);
	const server = http.createServer((_request, response) => response.writeHead(404).end());
	server.on('upgrade', (request, socket, head) => {
		if (!collab.handleUpgrade(request, socket, head)) socket.destroy();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}${COLLAB_PATH}`;
	const clients: TestClient[] = [];
	return {
		app,
		collab,
		url,
		async connect(token, documentName) {
			const client = connectClient(url, token, documentName);
			clients.push(client);
			return client;
		},
		async close() {
			for (const client of clients) client.destroy();
			await collab.close();
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
			await app.close();
		}
	};
}

export function connectClient(
	url: string,
	token: string,
	documentName: string,
	options: { maxAttempts?: number } = {}
): TestClient {
	class CookieWebSocket extends WebSocket {
		constructor(address: string) {
			super(address, { headers: { cookie: `cf_session=${token}` } });
		}
	}
	const doc = new Y.Doc();
	const socket = new HocuspocusProviderWebsocket({
		url,
		WebSocketPolyfill: CookieWebSocket,
		delay: 100,
		minDelay: 50,
		maxDelay: 500,
		maxAttempts: options.maxAttempts ?? 3
	});
	const closes: string[] = [];
	const denied: string[] = [];
	let markSynced: () => void = () => {};
	const synced = new Promise<void>((resolve) => (markSynced = resolve));
	const provider: SyncedProvider = new SyncedProvider({
		websocketProvider: socket,
		name: documentName,
		document: doc,
		token: 'cookie',
		onSynced: () => markSynced(),
		onClose: ({ event }) => {
			closes.push(event.reason);
			// As the app does: after a resync request, sync again without losing anything.
			if (event.reason.startsWith('resync')) setTimeout(() => provider.reconnectDocument(), 50);
		},
		onAuthenticationFailed: ({ reason }) => denied.push(reason)
	});
	provider.attach();
	return {
		doc,
		provider,
		socket,
		closes,
		denied,
		synced,
		acknowledged: () =>
			waitFor(() => !provider.hasUnsyncedChanges, 5_000, 'the server to acknowledge'),
		destroy() {
			provider.destroy();
			socket.destroy();
		}
	};
}

export async function waitFor(
	check: () => boolean,
	timeoutMs = 5_000,
	what = 'a condition'
): Promise<void> {
	const started = Date.now();
	while (!check()) {
		if (Date.now() - started > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}
