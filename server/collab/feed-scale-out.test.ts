import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PersonFeed } from '#client/collab/person-feed.svelte.ts';
import { feedDocumentName, type FeedEvent } from '#shared/feed/feed-event.ts';
import {
	createTestApp,
	type SignedInPerson as Member,
	type TestApp
} from '#server/testing/test-app.ts';
import { createTestDatabase, type TestDatabase } from '#server/testing/test-database.ts';
import { testRedisUrl } from '#server/testing/require-service.ts';
import { scaleOutSkipReason } from '#server/testing/scale-out.ts';
import { connectClient, waitFor, type TestClient } from './testing/collab-harness.ts';
import { outputOf, runCollabProcess, stopCollabProcesses } from './testing/collab-child.ts';
import { startEventRelay } from './scale-out.ts';
import { restartablePort } from './testing/test-port.ts';
import { logger } from '#server/logging/logger.ts';

const skipReason = await scaleOutSkipReason();

/**
 * Feeds across two collaboration processes sharing Postgres and Redis: a change made in a third
 * process (as an HTTP request would, with its domain events relayed) is appended once, by that
 * process, and reaches the person's tabs on both processes, each event once.
 */
describe.skipIf(skipReason !== null)('person feeds across processes through Redis', () => {
	const redisUrl = `${testRedisUrl}?prefix=cf-test-${randomBytes(4).toString('hex')}`;
	let database: TestDatabase;
	let app: TestApp;
	let relay: { stop(): Promise<void> };
	const processes: ChildProcess[] = [];
	const clients: TestClient[] = [];
	const feeds: PersonFeed[] = [];
	let urls: [string, string];
	let admin: Member;
	let alice: Member;

	beforeAll(async () => {
		database = await createTestDatabase('postgres');
		app = await createTestApp('postgres', database);
		relay = await startEventRelay(app.events, redisUrl);
		const org = await app.createOrganization('Feed Scale Co');
		admin = { user: org.admin, token: org.token };
		alice = await app.join(org.joinCode, 'Alice');
		const ports = [await restartablePort(), await restartablePort()];
		for (const port of ports) {
			const child = runCollabProcess(['serve'], {
				PORT: String(port),
				DATABASE_URL: database.url!,
				REDIS_URL: redisUrl,
				DATA_DIR: '/tmp/connectflow-test'
			});
			processes.push(child);
			await outputOf(child, (text) => text.includes('ready'));
		}
		urls = ports.map((port) => `ws://127.0.0.1:${port}/collab`) as [string, string];
	});

	afterAll(async () => {
		for (const feed of feeds) feed.destroy();
		for (const client of clients) client.destroy();
		await stopCollabProcesses(processes);
		await relay?.stop();
		await database?.close();
	});

	async function tab(url: string, person: Member): Promise<{ events: FeedEvent[] }> {
		const client = connectClient(url, person.token, feedDocumentName(person.user.id));
		clients.push(client);
		const feed = new PersonFeed(await app.feed.head(person.user.id));
		feeds.push(feed);
		const events: FeedEvent[] = [];
		feed.follow(client.provider, { event: (event) => events.push(event), reset: () => {} });
		await client.synced;
		return { events };
	}

	it('delivers to the person’s tabs on both processes, appended once', async () => {
		const onA = await tab(urls[0], alice);
		const onB = await tab(urls[1], alice);
		const before = await app.feed.head(alice.user.id);
		const timings: number[] = [];
		const names = ['Launch', 'Launch 2', 'Launch 3', 'Launch 4', 'Launch 5'];
		const group = await app.createPrivateGroup(admin.user, names[0]!, [alice.user.id]);
		for (const name of names.slice(1)) {
			const started = performance.now();
			await app.channels.update(admin.user, group.id, { name });
			const arrived = (events: FeedEvent[]) =>
				events.some((e) => e.kind === 'conversation.changed' && e.data.name === name);
			await waitFor(() => arrived(onA.events) && arrived(onB.events), 5_000, `rename to ${name}`);
			timings.push(performance.now() - started);
		}
		// Reported, not asserted: how fast is for `npm run bench` to say, on a quiet machine.
		logger.info({ ms: timings.map((ms) => Math.round(ms)) }, 'feed across processes');

		// One row per event, although every process received the domain events.
		const rows = await database.sql<{ seq: number; kind: string }[]>`
			select seq, kind from feed_events where user_id = ${alice.user.id} and seq > ${before}
			order by seq`;
		expect(rows.map((row) => row.kind)).toEqual([
			'conversation.added',
			// Invited: the notification, in the same transaction.
			'notification.created',
			...names.slice(1).map(() => 'conversation.changed')
		]);
		// Each tab applied each of them once, in order.
		for (const { events } of [onA, onB]) {
			expect(events.map((e) => e.seq)).toEqual(rows.map((row) => row.seq));
		}
	});
});
