import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import { SyncedProvider } from '#client/collab/synced-provider.ts';
import { ownEntries, resendOwnChanges } from '#client/collab/refusal.ts';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { postMessage } from '#shared/chat/document-schema.ts';
import { createCollabServer, COLLAB_PATH, type CollabServer } from '../collab-server.ts';
import { createTestApp, type TestApp } from '#server/testing/test-app.ts';
import type { DatabaseKind, TestDatabase } from '#server/testing/test-database.ts';
import { openForSuite } from '#server/testing/suite.ts';

/** A person of the harness's organization with their session token (browser-side tests use it). */
export type { SignedInPerson } from '#server/testing/test-app.ts';

/**
 * A real collaboration server on a loopback port, over a real test database, and real providers
 * connecting to it over real WebSockets with a session cookie.
 */
export interface CollabHarness {
	app: TestApp;
	collab: CollabServer;
	url: string;
	connect(token: string, documentName: string): Promise<TestClient>;
	/** Connects and waits for the first sync. */
	open(token: string, documentName: string): Promise<TestClient>;
	close(): Promise<void>;
}

export interface TestClient {
	/** The client's copy: a new one after a "stale" close rebuilt it (with `userId`). */
	readonly doc: Y.Doc;
	readonly provider: SyncedProvider;
	socket: HocuspocusProviderWebsocket;
	/** Reasons of every close the server sent for this document. */
	closes: string[];
	denied: string[];
	synced: Promise<void>;
	/**
	 * Resolves once the server applied everything sent so far (and relayed it: it is logged a
	 * moment later; `CollabServer.idle()` waits for that).
	 */
	acknowledged(): Promise<void>;
	destroy(): void;
}

export async function startCollabHarness(
	kind: DatabaseKind,
	database?: TestDatabase
): Promise<CollabHarness> {
	const app = await createTestApp(kind, database);
	const collab = await createCollabServer(app);
	const server = http.createServer((_request, response) => response.writeHead(404).end());
	server.on('upgrade', (request, socket, head) => {
		if (!collab.handleUpgrade(request, socket, head)) socket.destroy();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}${COLLAB_PATH}`;
	const clients: TestClient[] = [];
	const connect = async (token: string, documentName: string) => {
		const client = connectClient(url, token, documentName);
		clients.push(client);
		return client;
	};
	return {
		app,
		collab,
		url,
		connect,
		async open(token, documentName) {
			const client = await connect(token, documentName);
			await client.synced;
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

/** The harness of the suite this is called in (see openForSuite). */
export function useCollabHarness(kind: DatabaseKind): CollabHarness {
	return openForSuite(() => startCollabHarness(kind));
}

export function connectClient(
	url: string,
	token: string,
	documentName: string,
	options: {
		maxAttempts?: number;
		/** Whose client this is: with it, a "stale" close rebuilds the copy as the app does. */
		userId?: string;
		/** A copy to start from (a browser opening its stored copy); a new one otherwise. */
		doc?: Y.Doc;
		/** For wss:// through a proxy whose certificate a test's own CA signed: that CA (PEM). */
		ca?: string;
	} = {}
): TestClient {
	const socket = sessionSocket(
		url,
		token,
		{ maxDelay: 500, maxAttempts: options.maxAttempts ?? 3 },
		options.ca
	);
	const closes: string[] = [];
	const denied: string[] = [];
	let markSynced: () => void = () => {};
	const synced = new Promise<void>((resolve) => (markSynced = resolve));
	let doc = options.doc ?? new Y.Doc();
	let provider = open(doc);

	function open(into: Y.Doc): SyncedProvider {
		const opened: SyncedProvider = new SyncedProvider({
			websocketProvider: socket,
			name: documentName,
			document: into,
			token: 'cookie',
			onSynced: () => markSynced(),
			onClose: ({ event }) => {
				closes.push(event.reason);
				// As the app does: after a resync request, sync again without losing anything;
				// after a stale one, rebuild the copy from the server and resend what is ours.
				if (event.reason.startsWith('resync')) {
					setTimeout(() => opened.reconnectDocument(), 50);
				} else if (event.reason.startsWith('stale') && options.userId) {
					void rebuild(options.userId);
				}
			},
			onAuthenticationFailed: ({ reason }) => {
				denied.push(reason);
				// As the app does: only a loss of access is final; anything else (the server's
				// database out of reach) keeps the copy and opens it again a moment later.
				if (/^(forbidden|access-revoked|unauthenticated|invalid-document):/.test(reason)) return;
				setTimeout(() => reopen(opened), 200);
			}
		});
		opened.attach();
		return opened;
	}

	function reopen(refused: SyncedProvider): void {
		if (refused !== provider) return;
		const providers = socket.configuration.providerMap;
		if (providers.get(refused.effectiveName) === refused) providers.delete(refused.effectiveName);
		refused.destroy();
		provider = open(doc);
	}

	/** Own entries of a dropped copy not written again yet: a rebuild that is rebuilt keeps them. */
	let carried = new Map<string, unknown>();

	async function rebuild(userId: string): Promise<void> {
		const before = new Map([...carried, ...ownEntries(doc, userId)]);
		carried = before;
		// The server closed this document: the provider must not send its own close for it.
		const providers = socket.configuration.providerMap;
		if (providers.get(provider.effectiveName) === provider)
			providers.delete(provider.effectiveName);
		provider.destroy();
		const rebuilt = new Y.Doc();
		doc = rebuilt;
		provider = open(doc);
		// The copy may be opened again meanwhile (after "unavailable"): it is the same copy.
		await waitFor(() => doc !== rebuilt || provider.isSynced, 60_000, 'the rebuilt copy to sync');
		if (doc !== rebuilt) return;
		resendOwnChanges(doc, userId, before);
		carried = new Map();
	}

	return {
		get doc() {
			return doc;
		},
		get provider() {
			return provider;
		},
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

/**
 * One person's shared socket to the server (as a tab holds it), signed in with their session
 * cookie, retrying quickly; `retry` tightens the retries further. `ca`: the certificate authority
 * a wss:// server's certificate is checked against (a test proxy's own).
 */
export function sessionSocket(
	url: string,
	token: string,
	retry: { maxDelay?: number; maxAttempts?: number } = {},
	ca?: string
): HocuspocusProviderWebsocket {
	class CookieWebSocket extends WebSocket {
		constructor(address: string) {
			super(address, { headers: { cookie: `cf_session=${token}` }, ...(ca ? { ca } : {}) });
		}
	}
	return new HocuspocusProviderWebsocket({
		url,
		WebSocketPolyfill: CookieWebSocket,
		delay: 100,
		minDelay: 50,
		...retry
	});
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

/**
 * Each client posts `sender <index> message <n>` as its author, one message after another until
 * stopped: `posted` hears each message as it is written, then the client pauses `pauseMs()` and
 * `afterPause` runs. `stop()` ends the posting and resolves once every sender has stopped.
 */
export function keepPosting(
	clients: readonly TestClient[],
	authors: readonly { id: string }[],
	options: {
		pauseMs: () => number;
		posted: (message: { id: string }, index: number) => void;
		afterPause?: (client: TestClient) => void;
	}
): { stop(): Promise<void> } {
	let sending = true;
	const senders = clients.map(async (client, index) => {
		let n = 0;
		while (sending) {
			const message = postMessage(client.doc, authors[index]!.id, {
				text: `sender ${index} message ${n++}`
			});
			options.posted(message, index);
			await new Promise((resolve) => setTimeout(resolve, options.pauseMs()));
			options.afterPause?.(client);
		}
	});
	return {
		stop: async () => {
			sending = false;
			await Promise.all(senders);
		}
	};
}

/** Waits for the server's first close of the client's connection, and gives when it was seen. */
export async function firstCloseAt(
	client: TestClient,
	timeoutMs: number,
	what: string
): Promise<number> {
	await waitFor(() => client.closes.length > 0, timeoutMs, what);
	return Date.now();
}

/** A new document under the client id of `tab`'s: a second tab impersonating that one. */
export function underClientIdOf(tab: Y.Doc): Y.Doc {
	const doc = new Y.Doc();
	doc.clientID = tab.clientID;
	return doc;
}

/** Claims an awareness clock far ahead for the client's own id, as a forger would to win. */
export function claimClockAhead(client: TestClient, clock = 5_000): void {
	const awareness = client.provider.awareness!;
	awareness.meta.set(awareness.clientID, { clock, lastUpdated: Date.now() });
}

/** How many rows the database keeps of a document: its pending updates and its snapshot. */
export async function storedRowsOf(h: CollabHarness, name: string): Promise<number> {
	const rows = await h.app.database.sql`
		select 1 from document_updates where name = ${name}
		union all select 1 from documents where name = ${name}`;
	return rows.length;
}

/** Sends a stateless message the server must refuse, and gives the reason of its close. */
export async function refusalOf(
	client: TestClient,
	message: string,
	what: string
): Promise<string> {
	client.provider.sendStateless(message);
	await waitFor(() => client.closes.length > 0, 5_000, what);
	return client.closes[0]!;
}
