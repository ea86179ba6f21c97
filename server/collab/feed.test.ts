import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '#server/testing/each-database.ts';
import { PersonFeed } from '#client/collab/person-feed.svelte.ts';
import { feedDocumentName, type FeedEvent } from '#shared/feed/feed-event.ts';
import { FeedRepository } from '#server/feed/feed.repository.ts';
import { FeedService } from '#server/feed/feed.service.ts';
import { FeedAudienceRepository } from '#server/feed/feed-audience.repository.ts';
import type { SignedInPerson as Person } from '#server/testing/test-app.ts';
import {
	refusalOf,
	startCollabHarness,
	storedRowsOf,
	waitFor,
	type CollabHarness,
	type TestClient
} from './testing/collab-harness.ts';

/** A tab's feed: the browser's own PersonFeed on a real provider, and what it applied. */
interface FeedTab {
	client: TestClient;
	feed: PersonFeed;
	events: FeedEvent[];
	resets: number;
}

/**
 * Each person's live feed (feed.extension.ts, src/lib/server/feed/) through real providers over
 * real WebSockets, read by the browser's own PersonFeed: only its person opens it, nothing can be
 * written into it, every kind of change reaches it live, and a tab that was away gets
 * what it missed, each event once.
 */
describeEachDatabase('person feeds on %s', (kind) => {
	let h: CollabHarness;
	let admin: Person;
	let alice: Person;
	let bob: Person;
	let stranger: Person;
	let platformTeam: string;
	let mobileTeam: string;
	let platformChannel: string;
	let mobileChannel: string;
	const tabs: FeedTab[] = [];

	beforeAll(async () => {
		h = await startCollabHarness(kind);
		const org = await h.app.createOrganization('Feed Co');
		admin = { user: org.admin, token: org.token };
		const department = await h.app.org.createDepartment(admin.user, { name: 'Engineering' });
		platformTeam = (
			await h.app.org.createTeam(admin.user, { name: 'Platform', departmentId: department.id })
		).id;
		mobileTeam = (
			await h.app.org.createTeam(admin.user, { name: 'Mobile', departmentId: department.id })
		).id;
		alice = await h.app.join(org.joinCode, 'Alice');
		bob = await h.app.join(org.joinCode, 'Bob');
		await h.app.people.assign(admin.user, alice.user.id, { teamId: platformTeam });
		await h.app.people.assign(admin.user, bob.user.id, { teamId: platformTeam });
		const channels = await h.app.channels.list(admin.user);
		platformChannel = channels.find((c) => c.kind === 'team' && c.teamId === platformTeam)!.id;
		mobileChannel = channels.find((c) => c.kind === 'team' && c.teamId === mobileTeam)!.id;
		const other = await h.app.createOrganization('Elsewhere Ltd');
		stranger = { user: other.admin, token: other.token };
	});
	afterAll(async () => {
		for (const tab of tabs) tab.feed.destroy();
		await h.close();
	});

	/** Opens the person's feed from `after` (the seq the tab's data was read at). */
	async function open(person: Person, after?: number, feed?: PersonFeed): Promise<FeedTab> {
		const start = after ?? (await h.app.feed.head(person.user.id));
		const client = await h.connect(person.token, feedDocumentName(person.user.id));
		const tab: FeedTab = { client, feed: feed ?? new PersonFeed(start), events: [], resets: 0 };
		tab.feed.follow(client.provider, {
			event: (event) => tab.events.push(event),
			reset: () => tab.resets++
		});
		tabs.push(tab);
		await client.synced;
		return tab;
	}

	/** Runs a change and waits for the event it makes, returning it and how long it took. */
	async function expectEvent(
		tab: FeedTab,
		change: () => Promise<unknown>,
		matches: (event: FeedEvent) => boolean,
		what: string
	): Promise<{ event: FeedEvent; ms: number }> {
		const started = performance.now();
		await change();
		await waitFor(() => tab.events.some(matches), 5_000, what);
		// How fast is for `npm run bench` (scenario 7) to say; a test only asks that it arrives.
		const ms = performance.now() - started;
		return { event: tab.events.find(matches)!, ms };
	}

	it('opens only for its own person, and refuses every update', async () => {
		const forAlice = feedDocumentName(alice.user.id);
		const intruder = await h.connect(bob.token, forAlice);
		const outsider = await h.connect(stranger.token, forAlice);
		const anonymous = await h.connect('not-a-session', forAlice);
		await waitFor(
			() => intruder.denied.length + outsider.denied.length + anonymous.denied.length === 3,
			5_000,
			'three refusals'
		);
		expect(intruder.denied[0]).toMatch(/^forbidden/);
		expect(outsider.denied[0]).toMatch(/^forbidden/);
		expect(anonymous.denied[0]).toMatch(/^unauthenticated/);
		for (const client of [intruder, outsider, anonymous]) client.destroy();

		// Bob's events do not reach a tab that is not Bob's, and Alice's own is admitted.
		const own = await open(alice);
		expect(own.client.denied).toEqual([]);
		own.client.doc.getMap('anything').set('x', 1);
		await waitFor(() => own.client.closes.length > 0, 5_000, 'refusal of the update');
		expect(own.client.closes[0]).toMatch(/^refused: this document is read-only/);
		expect(h.collab.hocuspocus.documents.get(forAlice)?.getMap('anything').size ?? 0).toBe(0);
		expect(await storedRowsOf(h, forAlice)).toBe(0);

		// A request that is not one closes the feed's connection.
		const malformed = await open(bob);
		expect(await refusalOf(malformed.client, '{"after":-1}', 'refusal of the request')).toMatch(
			/^refused: malformed feed request/
		);
		own.client.destroy();
		malformed.client.destroy();
	});

	it('delivers every kind of change to the person’s world, live', async () => {
		const tab = await open(alice);
		const bobTab = await open(bob);

		const group = { id: '' };
		await expectEvent(
			tab,
			async () => {
				group.id = (await h.app.createPrivateGroup(admin.user, 'Launch', [alice.user.id])).id;
			},
			(e) => e.kind === 'conversation.added' && e.data.channelId === group.id,
			'a new group'
		);
		// Bob was not invited: his feed says nothing of it.
		expect(bobTab.events.some((e) => 'channelId' in e.data && e.data.channelId === group.id)).toBe(
			false
		);

		const renamed = await expectEvent(
			tab,
			() => h.app.channels.update(admin.user, group.id, { name: 'Launch week' }),
			(e) => e.kind === 'conversation.changed' && e.data.name === 'Launch week',
			'the rename'
		);
		expect(renamed.event.data).toEqual({ channelId: group.id, name: 'Launch week' });
		await expectEvent(
			tab,
			() => h.app.channels.update(admin.user, group.id, { topic: 'Ship it' }),
			(e) => e.kind === 'conversation.changed' && e.data.topic === 'Ship it',
			'the topic'
		);
		await expectEvent(
			tab,
			() => h.app.channels.update(admin.user, group.id, { postPolicy: 'moderators' }),
			(e) => e.kind === 'conversation.changed' && e.data.postPolicy === 'moderators',
			'the posting rule'
		);
		const removal = await expectEvent(
			tab,
			() => h.app.channels.removeMember(admin.user, group.id, alice.user.id),
			(e) => e.kind === 'conversation.removed' && e.data.channelId === group.id,
			'the removal'
		);
		expect(removal.event.data).toEqual({ channelId: group.id, why: 'removed' });

		const dm = { id: '' };
		await expectEvent(
			tab,
			async () => {
				dm.id = (await h.app.channels.openDm(admin.user, { memberIds: [alice.user.id] })).id;
			},
			(e) => e.kind === 'conversation.added' && e.data.channelId === dm.id,
			'a new direct conversation'
		);

		await expectEvent(
			tab,
			() => h.app.people.assign(admin.user, alice.user.id, { teamId: mobileTeam }),
			(e) => e.kind === 'self.changed' && e.data.teamId === mobileTeam,
			'the move to another team'
		);
		await waitFor(
			() =>
				tab.events.some(
					(e) =>
						e.kind === 'conversation.removed' &&
						e.data.channelId === platformChannel &&
						e.data.why === 'moved'
				) &&
				tab.events.some(
					(e) => e.kind === 'conversation.added' && e.data.channelId === mobileChannel
				),
			1_000,
			'the old team channel gone and the new one there'
		);

		await expectEvent(
			tab,
			() => h.app.org.updateTeam(admin.user, mobileTeam, { name: 'Mobile Apps' }),
			(e) =>
				e.kind === 'conversation.changed' &&
				e.data.channelId === mobileChannel &&
				e.data.name === 'Mobile Apps',
			'the team channel renamed with its team'
		);

		await expectEvent(
			tab,
			() => h.app.people.deactivate(admin.user, bob.user.id),
			(e) => e.kind === 'person.deactivated' && e.data.personId === bob.user.id,
			'a colleague deactivated'
		);

		// In order, each once, seqs one after the other.
		const seqs = tab.events.map((e) => e.seq);
		expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
		expect(new Set(seqs).size).toBe(seqs.length);
		expect(seqs.at(-1)! - seqs[0]! + 1).toBe(seqs.length);
		await h.app.people.reactivate(admin.user, bob.user.id);
		tab.client.destroy();
		bobTab.client.destroy();
	});

	it('catches up after a reconnection: nothing lost, nothing twice', async () => {
		const feed = new PersonFeed(await h.app.feed.head(alice.user.id));
		const first = await open(alice, undefined, feed);
		const group = await h.app.createPrivateGroup(admin.user, 'Catch-up', [alice.user.id]);
		// Added, and invited (the notification, in the same transaction).
		await waitFor(() => first.events.length === 2, 5_000, 'the first events');
		expect(first.events.map((e) => e.kind)).toEqual(['conversation.added', 'notification.created']);
		const seen = first.events.at(-1)!.seq;
		first.feed.destroy();
		first.client.destroy();

		// While the tab is away: three changes.
		await h.app.channels.update(admin.user, group.id, { name: 'Catch-up 2' });
		await h.app.channels.update(admin.user, group.id, { topic: 'Missed' });
		await h.app.channels.removeMember(admin.user, group.id, alice.user.id);

		const second = await open(alice, undefined, feed);
		await waitFor(() => second.events.length === 3, 5_000, 'the missed events');
		expect(second.events.map((e) => e.kind)).toEqual([
			'conversation.changed',
			'conversation.changed',
			'conversation.removed'
		]);
		// The same request again (a second sync, a duplicate): the tab applies nothing twice.
		second.client.provider.sendStateless(JSON.stringify({ after: first.events[0]!.seq }));
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(second.events.length).toBe(3);
		expect(second.events.map((e) => e.seq)).toEqual([1, 2, 3].map((step) => seen + step));
		second.client.destroy();
	});

	it('says "reset" when what was missed is no longer kept', async () => {
		const head = await h.app.feed.head(alice.user.id);
		// Ahead of the server (a database restored from a backup): read everything again.
		const ahead = await open(alice, head + 10);
		await waitFor(() => ahead.resets === 1, 5_000, 'the reset');
		expect(ahead.feed.lastSeq).toBe(head);
		ahead.client.destroy();

		// Further behind than what is kept: the same database, a feed that keeps two events.
		const short = new FeedService({
			feed: new FeedRepository(h.app.database.sql, 2),
			audience: new FeedAudienceRepository(h.app.database.sql),
			events: h.app.events
		});
		await h.app.database.sql.begin(async (tx) => {
			const sql = tx as unknown as typeof h.app.database.sql;
			await short.conversationAdded(sql, platformChannel, [alice.user.id, alice.user.id]);
			await short.conversationAdded(sql, platformChannel, [alice.user.id]);
		});
		const now = await short.head(alice.user.id);
		expect(await short.since(alice.user.id, now - 3)).toEqual({ type: 'reset', seq: now });
		const kept = await short.since(alice.user.id, now - 2);
		expect(kept.type === 'events' && kept.events.map((e) => e.seq)).toEqual([now - 1, now]);
		const [row] = await h.app.database.sql<{ count: number }[]>`
			select count(*)::int as count from feed_events where user_id = ${alice.user.id}`;
		expect(row?.count).toBe(2);
	});
});
