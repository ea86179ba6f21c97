import type http from 'node:http';
import type { AppContext } from '../src/lib/server/app-context.ts';
import { logger } from '../src/lib/server/logging/logger.ts';
import type { CollabServer } from './collab/collab-server.ts';

/** What the rest of a stop (closing the database, the sockets) may take after the deadline. */
const AFTER_DEADLINE_MS = 5_000;
/** The least time the database's close gets, however late the rest was. */
const CLOSE_AT_LEAST_MS = 1_000;

/**
 * A graceful stop, for SIGTERM and SIGINT: stops taking requests, lets the collaboration server
 * store what it can within `deadlineMs` (past it, with a database out of reach, what is not
 * stored is left to the clients, which send it again), and only then closes the database, so
 * nothing (a compaction) runs against a closed one. Whatever hangs, the process exits soon after
 * the deadline.
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
	setTimeout(() => {
		logger.warn('shutdown took too long; exiting');
		process.exit(1);
	}, deadlineMs + AFTER_DEADLINE_MS).unref();
	server?.close();
	server?.closeAllConnections();
	const started = Date.now();
	await collab.close(deadlineMs);
	// Closing waits for the database's queries: with a database out of reach they would wait
	// until its client gives up. Everything stored is committed already, so the close gets what
	// is left of the deadline (at least a second) and no more.
	const left = Math.max(CLOSE_AT_LEAST_MS, deadlineMs - (Date.now() - started));
	await Promise.race([context.close(), new Promise((resolve) => setTimeout(resolve, left))]);
	logger.info('stopped');
	process.exit(0);
}
