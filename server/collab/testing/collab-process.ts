import http from 'node:http';
import { loadConfig } from '#server/config.ts';
import { openAppContext } from '#server/app-context.ts';
import * as Y from 'yjs';
import { applyStored, DocumentRepository } from '#server/documents/document.repository.ts';
import { listMessages } from '#shared/chat/document-schema.ts';
import { createCollabServer } from '../collab-server.ts';
import { shutDown } from '../../shutdown.ts';

/**
 * A collaboration server in its own process, for tests that kill it (durability) or run two of
 * them (scale-out). `setup` creates an organization with people in one team and prints their
 * session tokens as JSON; `serve` serves /collab on PORT until killed; `stored <document>`
 * prints the ids of the messages the document's storage holds.
 */
const mode = process.argv[2];
const config = loadConfig();
const app = await openAppContext(config);

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

const collab = createCollabServer(app);
const server = http.createServer((_request, response) => response.writeHead(404).end());
server.on('upgrade', (request, socket, head) => {
	if (!collab.handleUpgrade(request, socket, head)) socket.destroy();
});
server.listen(config.PORT, '127.0.0.1', () => console.log('ready'));
// The server's own graceful stop (server/shutdown.ts), as main.ts runs it.
process.once('SIGTERM', () => {
	void shutDown({
		signal: 'SIGTERM',
		collab,
		context: app,
		deadlineMs: config.SHUTDOWN_DEADLINE_MS,
		server
	});
});
