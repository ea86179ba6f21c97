import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Hocuspocus, type Extension } from '@hocuspocus/server';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AppContext } from '#server/app-context.ts';
import { DocumentRepository } from '#server/documents/document.repository.ts';
import { MessageRepository } from '#server/messages/message.repository.ts';
import { MessageRecordService } from '#server/messages/message-record.service.ts';
import { SummaryPoster } from './summary-poster.ts';
import { ApprovalPoster } from './approval-poster.ts';
import { RetentionPurger } from './retention-purger.ts';
import { MAX_UPDATE_BYTES } from '#shared/chat/document-schema.ts';
import { closeReason } from '#shared/collab/close-reasons.ts';
import { AccessWatcher } from './access-watcher.ts';
import { Acceptance } from './acceptance.ts';
import { AuthExtension } from './auth.extension.ts';
import { AwarenessExtension } from './awareness.extension.ts';
import { LocalAwarenessOwners } from './awareness-owners.ts';
import { isForClosedDocument } from './closed-documents.ts';
import type { CollabContext } from './context.ts';
import { DocumentLog } from './document-log.ts';
import { FeedExtension } from './feed.extension.ts';
import { frameHeader } from './frames.ts';
import { AttachmentCheck } from './attachment-check.ts';
import { IngestExtension } from './ingest.extension.ts';
import { LocalPresenceStore } from './presence-store.ts';
import { MetricsExtension } from './metrics.extension.ts';
import { PresenceExtension } from './presence.extension.ts';
import { AwayDeliveryListener } from './away-delivery.ts';
import { StampQueue } from './stamp-queue.ts';
import { logger } from '#server/logging/logger.ts';

export const COLLAB_PATH = '/collab';

export interface CollabServer {
	hocuspocus: Hocuspocus;
	/** The documents' logs (load, append, compaction). */
	log: DocumentLog;
	record: MessageRecordService;
	/** For the HTTP server's `upgrade` event; answers false when the path is not ours. */
	handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean;
	/** Resolves once every relayed update is logged and stamped and the message record written. */
	idle(): Promise<void>;
	/**
	 * Stops serving, stores what it can within `deadlineMs` (default SHUTDOWN_DEADLINE_MS) and
	 * compacts; nothing touches the database after it resolves, so it may be closed then.
	 */
	close(deadlineMs?: number): Promise<void>;
}

/** How long a shutdown waits for a failing database before it leaves the rest to the clients. */
export const SHUTDOWN_DEADLINE_MS = 10_000;

/** The WebSocket close code for a server that restarts (RFC 6455 registry: Service Restart). */
const SERVICE_RESTART = 1012;

/**
 * The collaboration server: Hocuspocus with one extension per concern (auth, awareness, the
 * ingest of updates, presence, each person's feed, access), served on the HTTP server's own port at /collab.
 */
export async function createCollabServer(
	app: AppContext,
	extra: Extension[] = []
): Promise<CollabServer> {
	// Redis's client and Hocuspocus's Redis extension are loaded only with REDIS_URL: one process
	// alone never uses them (6 MB of heap; docs/ARCHITECTURE.md, "Server memory").
	const scaleOut = app.config.REDIS_URL
		? (await import('./scale-out.ts')).createScaleOut(app)
		: null;
	const documents =
		scaleOut?.documents(app.database.sql) ?? new DocumentRepository(app.database.sql);
	const record = new MessageRecordService(
		new MessageRepository(app.database.sql),
		app.notifications
	);
	// One direction only: the ingest uses acceptance, which writes through the stamp queue, which
	// appends to the log.
	const log = new DocumentLog(documents, app.metrics);
	const stamps = new StampQueue(log);
	const acceptance = new Acceptance({ record, channels: app.channels, stamps });
	const ingest = new IngestExtension({
		log,
		stamps,
		acceptance,
		attachments: new AttachmentCheck(app.files.files),
		loadWork: scaleOut ? (name, work) => scaleOut.loadWork(name, work) : undefined,
		metrics: app.metrics
	});
	const presence = new PresenceExtension(scaleOut?.presence ?? new LocalPresenceStore());
	const away = new AwayDeliveryListener(app, presence.store);
	const watcher = new AccessWatcher(app);
	const feed = new FeedExtension(app.feed, app.events);
	const hocuspocus = new Hocuspocus<CollabContext>({
		name: 'connectflow',
		quiet: true,
		extensions: [
			new AuthExtension(app),
			new AwarenessExtension(scaleOut?.awarenessOwners ?? new LocalAwarenessOwners()),
			ingest,
			// After the ingest: it reads the ingest's verdict on each frame.
			new MetricsExtension(app.metrics),
			presence,
			feed,
			watcher,
			...(scaleOut?.extensions ?? []),
			...extra
		]
	});
	watcher.start(hocuspocus);
	const summaries = new SummaryPoster({ app, hocuspocus, stamps, record });
	summaries.start();
	const approvedPosts = new ApprovalPoster({ app, hocuspocus, stamps, record });
	approvedPosts.start();
	const purger = new RetentionPurger({ app, hocuspocus, stamps, log });
	purger.start();
	const sockets = new WebSocketServer({
		noServer: true,
		// Yjs decoding of a crafted frame can loop or exhaust memory: cap frames before decoding.
		maxPayload: MAX_UPDATE_BYTES + 64 * 1024
	});

	let closing = false;

	function handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
		const url = new URL(request.url ?? '/', 'http://localhost');
		if (url.pathname !== COLLAB_PATH) return false;
		if (closing) {
			// Draining: the client's provider tries again, and the load balancer sends it elsewhere.
			socket.end('HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\n\r\n');
			return true;
		}
		if (!sameOrigin(request, app.config.ORIGIN)) {
			socket.end(
				'HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\n\r\nCross-site WebSocket refused\n'
			);
			return true;
		}
		sockets.handleUpgrade(request, socket, head, (websocket) => connect(websocket, request));
		return true;
	}

	function connect(websocket: WebSocket, request: IncomingMessage): void {
		const connection = hocuspocus.handleConnection(websocket, toWebRequest(request));
		websocket.on('message', (data: Buffer) => {
			const message = new Uint8Array(data);
			const header = frameHeader(message);
			if (!header) {
				// Not the protocol at all: the socket closes, as Hocuspocus would close it, with one
				// line in the log instead of the stack its decoder would print.
				logger.warn({ code: 'malformed-frame', bytes: message.byteLength }, 'frame refused');
				const close = closeReason('malformed-frame');
				websocket.close(close.code, close.reason);
				return;
			}
			// Left over from a document connection the server closed: never for the next one.
			if (isForClosedDocument(connection, header)) return;
			connection.handleMessage(message);
		});
		websocket.on('close', (code: number, reason: Buffer) =>
			connection.handleClose({ code, reason: reason.toString() })
		);
		websocket.on('error', () => websocket.terminate());
	}

	return {
		hocuspocus,
		log,
		record,
		handleUpgrade,
		async idle() {
			await summaries.idle();
			await ingest.idle();
			await record.idle();
		},
		async close(deadlineMs = SHUTDOWN_DEADLINE_MS) {
			const started = Date.now();
			closing = true;
			watcher.stop();
			purger.close();
			await summaries.close();
			approvedPosts.close();
			feed.close();
			await presence.close();
			// 1012 "service restart": the providers reconnect at once (to another process behind the
			// load balancer). What they had acknowledged is logged below before the database closes.
			for (const client of sockets.clients) client.close(SERVICE_RESTART, 'server restart');
			await ingest.close(deadlineMs);
			// The record is repaired from the documents when they next load: it waits no longer.
			const left = Math.max(0, deadlineMs - (Date.now() - started));
			await Promise.race([record.idle(), new Promise((resolve) => setTimeout(resolve, left))]);
			await away.close();
			await scaleOut?.close();
			// A client that did not answer the close frame is cut.
			for (const client of sockets.clients) client.terminate();
			sockets.close();
		}
	};
}

/**
 * A browser always sends Origin on a WebSocket: it must be our own. Clients outside a browser
 * (benchmarks, tests) send none and authenticate with the cookie like everyone else.
 */
function sameOrigin(request: IncomingMessage, configuredOrigin: string | undefined): boolean {
	const origin = request.headers.origin;
	if (!origin) return true;
	if (configuredOrigin) return origin === configuredOrigin;
	try {
		return new URL(origin).host === request.headers.host;
	} catch {
		return false;
	}
}

function toWebRequest(request: IncomingMessage): Request {
	const headers = new Headers();
	for (const [key, value] of Object.entries(request.headers)) {
		if (typeof value === 'string') headers.set(key, value);
		else if (Array.isArray(value)) headers.set(key, value.join(', '));
	}
	return new Request(new URL(request.url ?? '/', `http://${request.headers.host ?? 'localhost'}`), {
		headers
	});
}
