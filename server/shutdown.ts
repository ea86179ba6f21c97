import type http from 'node:http';
import type { AppContext } from '../src/lib/server/app-context.ts';
import { logger } from '../src/lib/server/logging/logger.ts';
import type { CollabServer } from './collab/collab-server.ts';

/** What the rest of a stop (closing the database, the sockets) may take after the deadline. */
const AFTER_DEADLINE_MS = 5_000;
/** The least time the database's close gets, however late the rest was. */
const CLOSE_AT_LEAST_MS = 1_000;
/** How often keep-alive connections that went idle while draining are closed. */
const IDLE_SWEEP_MS = 100;

/**
 * A graceful stop, for SIGTERM and SIGINT, bounded by `deadlineMs` (SHUTDOWN_DEADLINE_MS):
 *
 * 1. /readyz answers 503 from now on (draining), and the HTTP server stops accepting
 *    connections; keep-alive connections are closed as they go idle, so requests in flight
 *    finish and get their answers.
 * 2. The collaboration server stops taking sockets, closes its connections (1012, the providers
 *    reconnect to another process), and stores what it acknowledged: the document log, the
 *    stamp queue, the message record (collab-server.ts `close`). Past the deadline, with a
 *    database out of reach, what is not stored is left to the clients, which send it again.
 * 3. Requests still running after the deadline are cut; then the app context closes: the job
 *    queue stops (a running job gets a few seconds, one cut short is retried), the database
 *    closes last, so nothing (a compaction) runs against a closed one.
 *
 * Whatever hangs, the process exits soon after the deadline.
 */
export async function shutDown(parts: {
	signal: string;
	collab: CollabServer;
	context: AppContext;
	deadlineMs: number;
	server?: http.Server;
}): Promise<never> {
	const { signal, collab, context, deadlineMs, server } = parts;
	logger.info(`received ${signal}, shutting down`);
	// Connections being closed reject what was still queued on them, in promises nobody awaits any
	// more (ioredis: "Connection is closed.", seen when a process stopped while clients posted):
	// Node would turn that into a crash (exit 1) of a stop that has stored what it acknowledged.
	// From here on such a rejection is logged and the stop goes on.
	process.on('unhandledRejection', (reason) => {
		logger.warn({ err: reason }, 'a promise failed unawaited while shutting down');
	});
	setTimeout(() => {
		logger.warn('shutdown took too long; exiting');
		process.exit(1);
	}, deadlineMs + AFTER_DEADLINE_MS).unref();
	context.readiness.drain();
	const started = Date.now();
	const httpDrained = server ? drainHttp(server) : Promise.resolve();
	await collab.close(deadlineMs);
	const left = () => Math.max(0, deadlineMs - (Date.now() - started));
	await Promise.race([httpDrained, delay(left())]);
	server?.closeAllConnections();
	// Closing waits for the database's queries: with a database out of reach they would wait
	// until its client gives up. Everything stored is committed already, so the close gets what
	// is left of the deadline (at least a second) and no more.
	await Promise.race([context.close(), delay(Math.max(CLOSE_AT_LEAST_MS, left()))]);
	logger.info('stopped');
	process.exit(0);
}

/** Stops accepting connections; resolves once every open one (requests in flight) has ended. */
function drainHttp(server: http.Server): Promise<void> {
	return new Promise((resolve) => {
		const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
		sweep.unref();
		server.close(() => {
			clearInterval(sweep);
			resolve();
		});
		server.closeIdleConnections();
	});
}

function delay(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
