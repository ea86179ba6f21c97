import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import {
	createTestDatabase,
	isPostgresReachable,
	type TestDatabase
} from '#server/testing/test-database.ts';
import { databaseBehindProxy } from '#server/testing/database-proxy.ts';
import { isRedisReachable, testRedisUrl } from '#server/testing/require-service.ts';
import { documentName, listMessages, postMessage } from '#shared/chat/document-schema.ts';
import { connectClient, waitFor } from './testing/collab-harness.ts';
import {
	serveCollabProcess,
	setUpCollabProcess,
	storedMessageIds,
	useCollabProcesses
} from './testing/collab-child.ts';
import { restartablePort } from './testing/test-port.ts';

/**
 * Health, readiness and the graceful restart (server/shutdown.ts) of the server in its own
 * process, on real Postgres (and Redis for two processes): /readyz turns 503 while the database
 * is out of reach and while draining after SIGTERM, a request in flight still gets its answer,
 * and a client that keeps sending through a restart loses nothing the stopped process
 * acknowledged. Both probes warn and skip on a developer's machine without the service, and fail
 * under CI=true (require-service.ts).
 */
const [hasPostgres, hasRedis] = await Promise.all([isPostgresReachable(), isRedisReachable()]);

/** Polls `url` until its status is `status`. */
async function untilStatus(url: string, status: number, timeoutMs = 10_000): Promise<Response> {
	const started = Date.now();
	for (;;) {
		const response = await fetch(url).catch(() => null);
		if (response?.status === status) return response;
		if (Date.now() - started > timeoutMs) throw new Error(`${url} never answered ${status}`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

/** Collects the child's stdout; resolves `until` once it holds. */
function watch(child: ChildProcess): { text: () => string; until: (re: RegExp) => Promise<void> } {
	let text = '';
	child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
	return {
		text: () => text,
		until: (re) => waitFor(() => re.test(text), 15_000, `${re} in the server's output`)
	};
}

function exited(child: ChildProcess): Promise<number | null> {
	if (child.exitCode !== null) return Promise.resolve(child.exitCode);
	return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('health, readiness and a graceful restart', () => {
	const { servers, clients, cleanup } = useCollabProcesses();

	it.skipIf(!hasPostgres)(
		'/readyz is 503 during a database outage and while draining; requests in flight finish',
		async () => {
			const database = await databaseBehindProxy();
			cleanup.push(() => database.close());
			const port = await restartablePort();
			const base = { PORT: String(port), DATA_DIR: '/tmp/cf-readiness' };
			await setUpCollabProcess(1, { ...base, DATABASE_URL: database.directUrl });
			const server = await serveCollabProcess({
				...base,
				DATABASE_URL: database.url,
				METRICS_TOKEN: 'scrape',
				SHUTDOWN_DEADLINE_MS: '5000'
			});
			servers.push(server);
			const output = watch(server);
			const origin = `http://127.0.0.1:${port}`;

			expect((await fetch(`${origin}/healthz`)).status).toBe(200);
			const ready = await untilStatus(`${origin}/readyz`, 200);
			expect(await ready.json()).toEqual({
				ready: true,
				state: 'ready',
				checks: { database: true, storage: true }
			});
			const metrics = await fetch(`${origin}/metrics`, {
				headers: { authorization: 'Bearer scrape' }
			});
			expect(await metrics.text()).toContain('connectflow_collab_connections 0');

			// The database goes away: not ready, but alive.
			await database.cut();
			const out = await untilStatus(`${origin}/readyz`, 503);
			expect(await out.json()).toMatchObject({ ready: false, checks: { database: false } });
			expect((await fetch(`${origin}/healthz`)).status).toBe(200);
			database.restore();
			await untilStatus(`${origin}/readyz`, 200);

			// A request in flight, and a connection that has begun a /readyz request, when SIGTERM
			// comes: the request finishes, /readyz says draining, new connections are refused.
			const partial = net.connect(port, '127.0.0.1');
			await new Promise((resolve) => partial.once('connect', resolve));
			partial.write('GET /readyz HTTP/1.1\r\nHost: localhost\r\n');
			let answer = '';
			partial.on('data', (chunk: Buffer) => (answer += chunk.toString()));
			const slow = new Promise<{ status: number; body: string }>((resolve, reject) => {
				http
					.get(`${origin}/test/slow?ms=1500`, (response) => {
						let body = '';
						response.on('data', (chunk: Buffer) => (body += chunk.toString()));
						response.on('end', () => resolve({ status: response.statusCode!, body }));
					})
					.on('error', reject);
			});
			await new Promise((resolve) => setTimeout(resolve, 100)); // the slow request arrives
			const exit = exited(server);
			server.kill('SIGTERM');
			await output.until(/shutting down/);
			partial.write('\r\n');
			await waitFor(() => answer.includes('}'), 5_000, 'the draining /readyz answer');
			expect(answer).toMatch(/^HTTP\/1\.1 503/);
			expect(answer).toContain('"state":"draining"');
			await expect(fetch(`${origin}/healthz`)).rejects.toThrow();
			expect(await slow).toEqual({ status: 200, body: 'slow done' });
			partial.destroy();
			expect(await exit).toBe(0);
			expect(output.text()).toMatch(/"msg":"stopped"/);
		},
		60_000
	);

	it.skipIf(!hasPostgres || !hasRedis)(
		'a client that keeps sending through a restart to the other process loses no acknowledged message',
		async () => {
			const database: TestDatabase = await createTestDatabase('postgres');
			cleanup.push(() => database.close());
			const prefix = `cf-restart-${randomBytes(4).toString('hex')}`;
			const [portA, portB] = [await restartablePort(), await restartablePort()];
			const common = {
				DATABASE_URL: database.url!,
				REDIS_URL: `${testRedisUrl}?prefix=${prefix}`,
				DATA_DIR: '/tmp/cf-restart',
				SHUTDOWN_DEADLINE_MS: '5000'
			};
			const { channelId, members } = await setUpCollabProcess(1, {
				...common,
				PORT: String(portA)
			});
			const a = await serveCollabProcess({ ...common, PORT: String(portA) });
			const b = await serveCollabProcess({ ...common, PORT: String(portB) });
			servers.push(a, b);
			const aOutput = watch(a);

			// The load balancer: every connection to the process it points at; none while it is
			// switching, so that what A stored is checked before the client reaches B.
			let target: number | null = portA;
			const balancer = net.createServer((socket) => {
				if (target === null) return socket.destroy();
				const upstream = net.connect(target, '127.0.0.1');
				socket.pipe(upstream).pipe(socket);
				const cut = () => {
					socket.destroy();
					upstream.destroy();
				};
				socket.on('error', cut).on('close', cut);
				upstream.on('error', cut).on('close', cut);
			});
			await new Promise<void>((resolve) => balancer.listen(0, '127.0.0.1', resolve));
			cleanup.push(() => new Promise((resolve) => balancer.close(resolve)));
			const url = `ws://127.0.0.1:${(balancer.address() as net.AddressInfo).port}/collab`;

			const member = members[0]!;
			const name = documentName('channel', channelId, 0);
			const client = connectClient(url, member.token, name, { maxAttempts: 0, userId: member.id });
			clients.push(client);
			await client.synced;

			// Acknowledged by A, the last ones just before SIGTERM: relayed, maybe not logged yet.
			const ackedByA: string[] = [];
			for (let n = 0; n < 10; n++) {
				ackedByA.push(postMessage(client.doc, member.id, { text: `to A ${n}` }).id);
				await client.acknowledged();
			}
			target = null;
			const exit = exited(a);
			a.kill('SIGTERM');
			// The client keeps writing while its server drains and it is disconnected.
			const duringRestart: string[] = [];
			for (let n = 0; n < 5; n++) {
				duringRestart.push(postMessage(client.doc, member.id, { text: `meanwhile ${n}` }).id);
			}
			expect(await exit).toBe(0);
			expect(aOutput.text()).not.toMatch(/could not be logged|shutdown deadline passed/);

			// Every message A acknowledged is in Postgres: in the document and in the record.
			const stored = await storedMessageIds(common, name);
			expect(ackedByA.filter((id) => !stored.has(id))).toEqual([]);
			const recorded = await database.sql<{ id: string }[]>`
				select id from messages where id = any(${ackedByA})`;
			expect(recorded.length).toBe(ackedByA.length);

			// The provider reconnects, to B, and sends what it wrote meanwhile.
			target = portB;
			const afterRestart: string[] = [];
			for (let n = 0; n < 5; n++) {
				afterRestart.push(postMessage(client.doc, member.id, { text: `to B ${n}` }).id);
			}
			const all = [...ackedByA, ...duringRestart, ...afterRestart];
			const stamped = () =>
				new Set(
					listMessages(client.doc)
						.filter((message) => message.acceptedAt != null)
						.map((message) => message.id)
				);
			await waitFor(() => all.every((id) => stamped().has(id)), 20_000, 'every message stamped');
			// B writes the record a moment after the stamps.
			let rows = 0;
			for (let attempt = 0; attempt < 50; attempt++) {
				rows = (await database.sql`select id from messages where id = any(${all})`).length;
				if (rows === all.length) break;
				await new Promise((resolve) => setTimeout(resolve, 100));
			}
			expect(rows).toBe(all.length);
			expect(client.denied).toEqual([]);
		},
		90_000
	);
});
