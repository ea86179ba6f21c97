import http from 'node:http';
import { Readable } from 'node:stream';
import { loadConfig } from '#server/config.ts';
import { openAppContext } from '#server/app-context.ts';
import * as Y from 'yjs';
import { applyStored, DocumentRepository } from '#server/documents/document.repository.ts';
import { listMessages } from '#shared/chat/document-schema.ts';
import { createCollabServer } from '../collab-server.ts';
import { shutDown } from '../../shutdown.ts';
import { handleOpsRequest } from '#server/ops/ops-endpoints.ts';
import { holdDataFolder } from '#server/backup/backup-socket.ts';

/**
 * A collaboration server in its own process, for tests that kill it (durability) or run two of
 * them (scale-out). `setup` creates an organization with people in one team and prints their
 * session tokens as JSON; `serve` serves /collab on PORT until killed; `stored <document>`
 * prints the ids of the messages the document's storage holds.
 */
const mode = process.argv[2];
const config = loadConfig();
// As main.ts: the server holds the embedded database's folder, and `npm run backup` takes its
// image through it.
const folder =
	mode === 'serve' && !config.DATABASE_URL ? await holdDataFolder(config.dataDir, 'server') : null;
const app = await openAppContext(config);
folder?.serve(app.database);

if (mode === 'setup') {
	const client = { userAgent: 'durability test', ip: '127.0.0.1' };
	const people = Number(process.argv[3] ?? 3);
	const org = await app.auth.createOrganization(
		{
			organizationName: 'Durable Inc',
			name: 'Admin',
			email: `admin.${Date.now()}@example.test`,
			password: 'correct horse battery',
			title: ''
		},
		client
	);
	const department = await app.org.createDepartment(org.user, { name: 'Operations' });
	const team = await app.org.createTeam(org.user, {
		name: 'Night Shift',
		departmentId: department.id
	});
	const { joinCode } = await app.org.getJoinCode(org.user);
	const members = [];
	for (let i = 0; i < people; i++) {
		const joined = await app.auth.register(
			{
				joinCode,
				name: `Sender ${i + 1}`,
				email: `sender${i}.${Date.now()}@example.test`,
				password: 'correct horse battery',
				title: ''
			},
			client
		);
		if ('pendingApproval' in joined) throw new Error('unexpected approval');
		await app.people.assign(org.user, joined.user.id, { teamId: team.id });
		members.push({ id: joined.user.id, token: joined.token });
	}
	const channel = (await app.channels.list(org.user)).find((c) => c.kind === 'team')!;
	console.log(JSON.stringify({ channelId: channel.id, members }));
	await app.close();
	process.exit(0);
}

if (mode === 'stored') {
	// The ids of the messages a document's storage holds, as a restarted server would load it.
	const stored = await new DocumentRepository(app.database.sql).load(process.argv[3]!);
	const doc = new Y.Doc();
	applyStored(doc, stored);
	console.log(JSON.stringify(listMessages(doc).map((message) => message.id)));
	await app.close();
	process.exit(0);
}

const collab = await createCollabServer(app);
const ops = { readiness: app.readiness, metrics: app.metrics, metricsToken: config.METRICS_TOKEN };
const server = http.createServer((request, response) => {
	// The operator's endpoints, as main.ts serves them.
	if (handleOpsRequest(ops, request, response)) return;
	// A request that takes `ms` to answer: one in flight when the process is told to stop.
	const slow = /^\/test\/slow\?ms=(\d+)$/.exec(request.url ?? '');
	if (slow) {
		setTimeout(() => response.writeHead(200).end('slow done'), Number(slow[1]));
		return;
	}
	// Which process answered: for a test that asks through a load balancer.
	if (request.url === '/test/port') {
		response.writeHead(200).end(String(config.PORT));
		return;
	}
	// Files through the app's own service, as the endpoints call it: access checked, stored
	// (encrypted) in DATA_DIR/files. POST /test/files?channel=…&name=… uploads the body; GET
	// /test/files/<id> downloads. The person is the session in the cf_session cookie.
	const files = /^\/test\/files(?:\/([\w-]+))?(?:\?(.*))?$/.exec(request.url ?? '');
	if (files) {
		void serveFiles(request, response, files[1], new URLSearchParams(files[2] ?? ''));
		return;
	}
	response.writeHead(404).end();
});

async function serveFiles(
	request: http.IncomingMessage,
	response: http.ServerResponse,
	fileId: string | undefined,
	query: URLSearchParams
): Promise<void> {
	try {
		const token = /cf_session=([^;]+)/.exec(request.headers.cookie ?? '')?.[1] ?? '';
		const session = await app.auth.validateToken(token);
		if (!session) return void response.writeHead(401).end();
		if (request.method === 'POST') {
			const body = Readable.toWeb(request) as unknown as ReadableStream<Uint8Array>;
			const uploaded = await app.files.upload(
				session.user,
				query.get('channel')!,
				{ name: query.get('name')!, voice: 'false' },
				body,
				null
			);
			response.writeHead(201, { 'content-type': 'application/json' });
			return void response.end(JSON.stringify(uploaded));
		}
		const answer = await app.files.download(session.user, fileId!);
		response.writeHead(answer.status, Object.fromEntries(answer.headers));
		response.end(Buffer.from(await answer.arrayBuffer()));
	} catch (error) {
		const status = (error as { status?: number }).status ?? 500;
		response.writeHead(status, { 'content-type': 'application/json' });
		response.end(JSON.stringify({ error: String(error) }));
	}
}
server.on('upgrade', (request, socket, head) => {
	if (!collab.handleUpgrade(request, socket, head)) socket.destroy();
});
server.listen(config.PORT, '127.0.0.1', () => {
	app.readiness.ready();
	// The parent (collab-child.ts) waits for this line on stdout: a signal, not a log line.
	process.stdout.write('ready\n');
});
// The server's own graceful stop (server/shutdown.ts), as main.ts runs it.
process.once('SIGTERM', () => {
	if (process.env.TEST_UNAWAITED_FAILURE_AT_STOP) {
		// What a Redis connection being closed does to a command still queued on it.
		setTimeout(() => void Promise.reject(new Error('Connection is closed.')), 10);
	}
	void shutDown({
		signal: 'SIGTERM',
		collab,
		context: app,
		deadlineMs: config.SHUTDOWN_DEADLINE_MS,
		server
	});
});
