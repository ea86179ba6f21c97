import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { WebSocketStatus } from '@hocuspocus/provider';
import { logger } from '#server/logging/logger.ts';
import { createTestDatabase, type TestDatabase } from '#server/testing/test-database.ts';
import { testRedisUrl } from '#server/testing/require-service.ts';
import { scaleOutSkipReason } from '#server/testing/scale-out.ts';
import {
	httpsGet,
	isCaddyAvailable,
	startCaddy,
	type RunningCaddy
} from '#server/testing/caddy.ts';
import { documentName, listMessages, postMessage } from '#shared/chat/document-schema.ts';
import { COLLAB_PATH } from './collab-server.ts';
import { connectClient, waitFor, type TestClient } from './testing/collab-harness.ts';
import {
	lastOutputOf,
	serveCollabProcess,
	setUpCollabProcess,
	useCollabProcesses
} from './testing/collab-child.ts';
import { restartablePort } from './testing/test-port.ts';

/**
 * A rolling restart behind the real proxy: Caddy runs the deployment's own Caddyfile
 * (deploy/Caddyfile, with a certificate from its local CA, as for DOMAIN=localhost) in front of
 * two server processes scaled out through Redis on one Postgres. Providers connect over wss://
 * through Caddy and post steadily while one process is stopped (SIGTERM: it drains), started
 * again, and then the other. Every message a client saw acknowledged (stamped by a server) is in
 * the record afterwards, and every disconnection ended at the provider's reconnect: Caddy held
 * the reconnecting upgrade until a ready process took it, so no client had to retry again.
 *
 * Needs Redis, real Postgres and Caddy: each warns and skips on a developer's machine without
 * it, and fails the run under CI=true (require-service.ts).
 */
const skipReason = (await scaleOutSkipReason()) ?? ((await isCaddyAvailable()) ? null : 'Caddy');

/** The providers' reconnect settings (collab-harness.ts connectClient). */
const PROVIDER_RECONNECT = { delayMs: 100, maxDelayMs: 500 };
/** deploy/Caddyfile lb_try_duration: how long Caddy looks for a ready process for one attempt. */
const CADDY_TRY_MS = 10_000;
/**
 * The reconnect the provider makes by itself: its first attempt, which Caddy holds until a
 * ready process takes it, and at most one more after a failure (a process that went away while
 * Caddy dialled it).
 */
const RECONNECT_ATTEMPTS = 2;
/**
 * The longest a client may be disconnected: that many attempts, each after at most the
 * provider's largest delay and held by Caddy for at most its try duration. Generous on purpose
 * (a busy machine); what it rules out is a client left waiting for a process to come back.
 */
const RECONNECT_BOUND_MS =
	RECONNECT_ATTEMPTS * (PROVIDER_RECONNECT.maxDelayMs + CADDY_TRY_MS) + PROVIDER_RECONNECT.delayMs;

const CLIENTS = 4;
const SEND_EVERY_MS = 150;

interface Disconnection {
	ms: number;
	attempts: number;
}

/** Times each disconnection of a client's socket from its 'status' events. */
function watchDisconnections(client: TestClient): Disconnection[] {
	const disconnections: Disconnection[] = [];
	let since: number | null = null;
	let attempts = 0;
	client.socket.on('status', ({ status }: { status: WebSocketStatus }) => {
		if (status === WebSocketStatus.Disconnected && since === null) {
			since = performance.now();
			attempts = 0;
		} else if (status === WebSocketStatus.Connecting && since !== null) {
			attempts += 1;
		} else if (status === WebSocketStatus.Connected && since !== null) {
			disconnections.push({ ms: Math.round(performance.now() - since), attempts });
			since = null;
		}
	});
	return disconnections;
}

function exited(child: ChildProcess): Promise<number | null> {
	if (child.exitCode !== null) return Promise.resolve(child.exitCode);
	return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** The process's open collaboration connections, from its /metrics. */
async function connectionsOf(port: number): Promise<number> {
	const response = await fetch(`http://127.0.0.1:${port}/metrics`, {
		headers: { authorization: 'Bearer scrape' }
	});
	const match = /^connectflow_collab_connections (\d+)/m.exec(await response.text());
	return Number(match?.[1] ?? NaN);
}

describe.skipIf(skipReason !== null)('a rolling restart of two processes behind Caddy', () => {
	const { servers, clients, cleanup } = useCollabProcesses();

	it('loses no acknowledged message and disconnects nobody for longer than a reconnect', async () => {
		const database: TestDatabase = await createTestDatabase('postgres');
		cleanup.push(() => database.close());
		const prefix = `cf-rolling-${randomBytes(4).toString('hex')}`;
		const ports = [await restartablePort(), await restartablePort()];
		const [httpsPort, httpPort] = [await restartablePort(), await restartablePort()];
		const common = {
			DATABASE_URL: database.url!,
			REDIS_URL: `${testRedisUrl}?prefix=${prefix}`,
			DATA_DIR: '/tmp/cf-rolling',
			ORIGIN: `https://localhost:${httpsPort}`,
			TRUST_PROXY: 'true',
			METRICS_TOKEN: 'scrape',
			// As docker-compose.yml sets it. With 5 s a process once exited 1 on CI's loaded machine
			// (the deadline's exit, it seems; its last output is in the assertion's message now).
			SHUTDOWN_DEADLINE_MS: '10000'
		};
		const envOf = (port: number) => ({ ...common, PORT: String(port) });
		const { channelId, members } = await setUpCollabProcess(CLIENTS, envOf(ports[0]!));
		const running: ChildProcess[] = [];
		for (const port of ports) {
			const server = await serveCollabProcess(envOf(port));
			servers.push(server);
			running.push(server);
		}

		const caddy: RunningCaddy = await startCaddy({
			httpsPort,
			httpPort,
			upstreams: ports.map((port) => `127.0.0.1:${port}`)
		});
		cleanup.push(() => caddy.stop());
		const url = `wss://localhost:${httpsPort}${COLLAB_PATH}`;
		const name = documentName('channel', channelId, 0);

		// One at a time, so that least_conn spreads them over both processes.
		const disconnections: Disconnection[][] = [];
		for (const member of members) {
			const client = connectClient(url, member.token, name, {
				maxAttempts: 0,
				userId: member.id,
				ca: caddy.rootCertificate
			});
			clients.push(client);
			disconnections.push(watchDisconnections(client));
			await client.synced;
		}
		const spread = await Promise.all(ports.map(connectionsOf));
		expect(
			spread.every((count) => count > 0),
			`connections per process: ${spread}`
		).toBe(true);

		// Every client posts steadily, whatever its connection is doing.
		const posted: string[] = [];
		let sending = true;
		const senders = clients.map(async (client, index) => {
			let n = 0;
			while (sending) {
				posted.push(postMessage(client.doc, members[index]!.id, { text: `${index}:${n++}` }).id);
				await new Promise((resolve) => setTimeout(resolve, SEND_EVERY_MS));
			}
		});
		/** What the clients have seen acknowledged: a server stamped it. */
		const acknowledged = new Set<string>();
		const noteAcknowledged = () => {
			for (const client of clients) {
				for (const message of listMessages(client.doc)) {
					if (message.acceptedAt != null) acknowledged.add(message.id);
				}
			}
			return acknowledged.size;
		};
		const progress = async (what: string) => {
			const before = noteAcknowledged();
			await waitFor(() => noteAcknowledged() >= before + 2 * CLIENTS, 30_000, what);
		};

		/** Asks through Caddy which process answers; one question at a time. */
		let routedTo: number | null = null;
		let probing = false;
		const probe = () => {
			if (probing) return;
			probing = true;
			httpsGet(`${caddy.origin}/test/port`, caddy.rootCertificate)
				.then((answer) => (routedTo = answer.status === 200 ? Number(answer.body) : null))
				.catch(() => (routedTo = null))
				.finally(() => (probing = false));
		};

		await progress('messages acknowledged before the restart');
		const acknowledgedAtEachStop: number[] = [];
		for (const [index, port] of ports.entries()) {
			acknowledgedAtEachStop.push(noteAcknowledged());
			const stopped = exited(running[index]!);
			running[index]!.kill('SIGTERM');
			expect(
				await stopped,
				`process ${index + 1} drained and exited; it printed last:\n${lastOutputOf(running[index]!)}`
			).toBe(0);
			// The others carry on meanwhile: the clients that were here reconnect to them.
			await progress(`messages acknowledged while process ${index + 1} is down`);
			const restarted = await serveCollabProcess(envOf(port));
			servers.push(restarted);
			running[index] = restarted;
			routedTo = null;
			// As the operator waits for "healthy" before the next: until Caddy sends new
			// connections to it again (least_conn: it has none, the other has every client).
			await waitFor(
				() => (void probe(), routedTo === port),
				30_000,
				`Caddy to route to process ${index + 1} again`
			);
			await progress(`messages acknowledged after process ${index + 1} restarted`);
		}
		// After the last restart, every client is on the process restarted first.
		await waitFor(
			() => clients.every((client) => client.socket.status === WebSocketStatus.Connected),
			30_000,
			'every client connected'
		);
		expect(await connectionsOf(ports[0]!)).toBe(CLIENTS);

		sending = false;
		await Promise.all(senders);
		// Everything posted, also while disconnected, is acknowledged in the end.
		await waitFor(
			() => {
				noteAcknowledged();
				return posted.every((id) => acknowledged.has(id));
			},
			30_000,
			'every message acknowledged'
		);

		// Every acknowledged message is in the record (written a moment after the stamp).
		const ids = [...acknowledged];
		let missing: string[] = ids;
		for (let attempt = 0; attempt < 100 && missing.length > 0; attempt++) {
			const rows = await database.sql<{ id: string }[]>`
				select id from messages where id = any(${ids})`;
			const recorded = new Set(rows.map((row) => row.id));
			missing = ids.filter((id) => !recorded.has(id));
			if (missing.length > 0) await new Promise((resolve) => setTimeout(resolve, 100));
		}
		expect(missing).toEqual([]);
		expect(acknowledgedAtEachStop.every((count) => count > 0)).toBe(true);

		// Each client was disconnected by a restart (those on the second process twice), and
		// each disconnection ended at the provider's own reconnect.
		for (const [index, client] of clients.entries()) {
			expect(disconnections[index]!.length, `client ${index + 1}`).toBeGreaterThan(0);
			for (const disconnection of disconnections[index]!) {
				expect(disconnection.attempts, JSON.stringify(disconnection)).toBeLessThanOrEqual(
					RECONNECT_ATTEMPTS
				);
				expect(disconnection.ms, JSON.stringify(disconnection)).toBeLessThanOrEqual(
					RECONNECT_BOUND_MS
				);
			}
			expect(client.denied).toEqual([]);
		}
		logger.info(
			{
				posted: posted.length,
				disconnections: disconnections.map((list) => list.map((d) => `${d.ms}/${d.attempts}`)),
				boundMs: RECONNECT_BOUND_MS,
				attempts: RECONNECT_ATTEMPTS
			},
			'rolling restart: every message acknowledged and recorded; disconnections (ms/attempts)'
		);
	}, 180_000);
});
