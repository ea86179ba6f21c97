import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../src/lib/server/config.ts';
import { installAppContext, openAppContext } from '../src/lib/server/app-context.ts';
import { createCollabServer } from './collab/collab-server.ts';
import { contentSecurityPolicy } from '../src/lib/server/http/content-security-policy.js';
import { runningMessage } from './running-message.ts';
import { shutDown } from './shutdown.ts';
import { handleOpsRequest } from '../src/lib/server/ops/ops-endpoints.ts';
import { holdDataFolder, type DataFolderHold } from '../src/lib/server/backup/backup-socket.ts';
import { logger } from '../src/lib/server/logging/logger.ts';
import { missingServerFlags } from './node-flags.ts';
import { warmCompileCache } from './compile-cache.ts';
import { AllocatorTrimmer, loadMallocTrim } from './allocator-trim.ts';

/**
 * The process entry: one Node process serves the SvelteKit app (HTTP) and, on the same port,
 * the collaboration server (WebSocket). Run after `npm run build`.
 */
if (process.argv.includes('--warm-compile-cache')) {
	// `npm run build`'s last step (compile-cache.ts): this module and its imports are compiled by
	// now; nothing is started.
	await warmCompileCache();
	process.exit(0);
}
const PROTOCOL_HEADER = 'x-connectflow-protocol';
const config = loadConfig();
const missingFlags = missingServerFlags();
if (missingFlags.length > 0) {
	logger.warn(
		{ code: 'node-flags-missing', missing: missingFlags },
		`started without ${missingFlags.join(' ')}: memory is not bounded as documented (server/node-flags.ts)`
	);
}
if (config.ORIGIN) process.env.ORIGIN = config.ORIGIN;
// adapter-node assumes https unless told otherwise; this server speaks plain http, and only a
// trusted proxy in front of it may say the client used https.
process.env.PROTOCOL_HEADER = PROTOCOL_HEADER;
// adapter-node's own body limit (512 kB) would answer a file upload in plain text, not with the
// API's error. Every body reader here counts its bytes itself and refuses more with a stable
// code: JSON bodies at API_BODY_LIMIT_KB (endpoint.ts), files at MAX_FILE_MB (file.service.ts);
// the app has no form actions.
process.env.BODY_SIZE_LIMIT = 'Infinity';
if (config.TRUST_PROXY) {
	process.env.ADDRESS_HEADER ??= 'x-forwarded-for';
	process.env.XFF_DEPTH ??= '1';
}

// The embedded database's folder is this process's alone (PGlite admits one), and `npm run
// backup` takes its image through this process: backup/backup-socket.ts.
let folder: DataFolderHold | null = null;
if (!config.DATABASE_URL) folder = await holdDataFolder(config.dataDir, 'server');
// The app process runs the background jobs (jobs/job-queue.ts).
const context = await openAppContext(config, { startJobs: true });
installAppContext(context);
folder?.serve(context.database);

const handlerUrl = pathToFileURL(path.resolve('build/handler.js')).href;
const { handler } = (await import(handlerUrl)) as { handler: http.RequestListener };

const ops = {
	readiness: context.readiness,
	metrics: context.metrics,
	metricsToken: config.METRICS_TOKEN
};
const server = http.createServer((request, response) => {
	// /healthz, /readyz, /metrics: answered here, before SvelteKit, cheap and sessionless.
	if (handleOpsRequest(ops, request, response)) return;
	const forwarded = config.TRUST_PROXY ? request.headers['x-forwarded-proto'] : undefined;
	request.headers[PROTOCOL_HEADER] = forwarded === 'https' ? 'https' : 'http';
	// Static files (the service worker script among them) bypass SvelteKit's hooks: they get the
	// policy here. A header SvelteKit writes itself (a page's, with its nonce) replaces this one.
	response.setHeader('content-security-policy', contentSecurityPolicy);
	handler(request, response);
});
// Longer than clients' and proxies' keep-alive (Node's agent 5 s, load balancers 60 s), so that
// they close an idle connection first: a server that closes it as a request arrives resets that
// request (ECONNRESET).
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
const collab = await createCollabServer(context);
// Before anyone is served: the image process's start would otherwise pause delivery at the first
// photo upload.
context.files.images.warm();
server.on('upgrade', (request, socket, head) => {
	if (!collab.handleUpgrade(request, socket, head)) socket.destroy();
});
server.listen(config.PORT, config.HOST, () => {
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : config.PORT;
	const database =
		context.database.kind === 'pglite' ? `PGlite in ${config.pgliteDir}` : 'Postgres';
	console.log(runningMessage({ origin: config.ORIGIN, host: config.HOST, port, database }));
	// Until now /readyz answered 503 (starting).
	context.readiness.ready();
});
// The C allocator's free pages back to the system now and then (allocator-trim.ts); a C library
// without malloc_trim (musl) keeps them.
const mallocTrim = loadMallocTrim();
if (mallocTrim) new AllocatorTrimmer(mallocTrim).start();
else logger.info({ code: 'malloc-trim-unavailable' }, 'the C library has no malloc_trim');

let stopping = false;
function stop(signal: string) {
	if (stopping) return;
	stopping = true;
	void shutDown({ signal, collab, context, deadlineMs: config.SHUTDOWN_DEADLINE_MS, server });
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
