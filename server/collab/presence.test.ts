import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachHarness } from './testing/collab-suite.ts';
import { PresenceHub } from '#client/collab/presence.svelte.ts';
import { presenceDocumentName } from '#shared/chat/presence.ts';
import type { SignedInPerson as Person } from '#server/testing/test-app.ts';
import { refusalOf, storedRowsOf, waitFor, type TestClient } from './testing/collab-harness.ts';

/**
 * Presence as the server sums it up per organization (presence.extension.ts), through real
 * providers over real WebSockets, read by the browser's own PresenceHub.
 */
describeEachHarness('presence on %s', (h) => {
	let admin: Person;
	let alice: Person;
	let bob: Person;
	let stranger: Person;
	let presenceDoc: string;
	const hubs: PresenceHub[] = [];

	beforeAll(async () => {
		const org = await h.app.createOrganization('Presence Co');
		admin = { user: org.admin, token: org.token };
		alice = await h.app.join(org.joinCode, 'Alice');
		bob = await h.app.join(org.joinCode, 'Bob');
		const other = await h.app.createOrganization('Elsewhere Ltd');
		stranger = { user: other.admin, token: other.token };
		presenceDoc = presenceDocumentName(org.admin.orgId);
	});
	afterAll(async () => {
		for (const hub of hubs) hub.destroy();
	});

	/** A tab of the person on the presence document, and what it knows of everybody. */
	async function tab(
		person: Person,
		reportEveryMs?: number
	): Promise<{ client: TestClient; hub: PresenceHub }> {
		const client = await h.connect(person.token, presenceDoc);
		const hub = new PresenceHub({ reportEveryMs });
		hubs.push(hub);
		hub.follow(client.provider);
		await client.synced;
		return { client, hub };
	}

	const report = (client: TestClient, status: string) =>
		client.provider.sendStateless(JSON.stringify({ status }));

	it('shows who is online, away and gone, over all of a person’s tabs', async () => {
		const bobTab = await tab(bob);
		const aliceTab = await tab(alice);
		await waitFor(() => bobTab.hub.of(alice.user.id) === 'online', 5_000, 'alice online');
		// A tab that connects later learns everybody at once.
		const late = await tab(admin);
		await waitFor(
			() => late.hub.of(alice.user.id) === 'online' && late.hub.of(bob.user.id) === 'online',
			5_000,
			'the full view'
		);

		report(aliceTab.client, 'away');
		await waitFor(() => bobTab.hub.of(alice.user.id) === 'away', 5_000, 'alice away');
		// Online on any tab is online.
		const secondTab = await tab(alice);
		await waitFor(() => bobTab.hub.of(alice.user.id) === 'online', 5_000, 'second tab online');
		secondTab.client.destroy();
		await waitFor(() => bobTab.hub.of(alice.user.id) === 'away', 5_000, 'back to away');
		aliceTab.client.destroy();
		await waitFor(() => bobTab.hub.of(alice.user.id) === 'offline', 5_000, 'alice offline');
		expect(late.hub.of(alice.user.id)).toBe('offline');
		late.client.destroy();
		bobTab.client.destroy();
	});

	it('refuses other organizations, malformed reports and writes, and relays no awareness', async () => {
		const outside = await h.connect(stranger.token, presenceDoc);
		await waitFor(() => outside.denied.length > 0, 5_000, 'refusal');
		expect(outside.denied[0]).toMatch(/forbidden/);

		const bobTab = await tab(bob);
		const aliceTab = await tab(alice);
		await waitFor(() => bobTab.hub.of(alice.user.id) === 'online', 5_000, 'alice online');
		// Awareness set on the presence document reaches nobody: it would reach everybody.
		aliceTab.client.provider.awareness!.setLocalState({ typing: { typing: true, at: Date.now() } });
		await new Promise((resolve) => setTimeout(resolve, 300));
		const othersSeen = [...bobTab.client.provider.awareness!.getStates().keys()].filter(
			(id) => id !== bobTab.client.provider.awareness!.clientID
		);
		expect(othersSeen).toEqual([]);

		// Content written into the document never lands on the server.
		aliceTab.client.doc.getMap('anything').set('x', 1);
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(h.collab.hocuspocus.documents.get(presenceDoc)?.getMap('anything').size ?? 0).toBe(0);
		expect(bobTab.client.doc.getMap('anything').size).toBe(0);
		expect(await storedRowsOf(h, presenceDoc)).toBe(0);

		// A report that is not one closes that tab's presence connection, and it reads as gone.
		const carol = await tab(admin);
		expect(
			await refusalOf(carol.client, '{"status":"invisible"}', 'refusal of the report')
		).toMatch(/refused: malformed presence report/);
		bobTab.client.destroy();
		aliceTab.client.destroy();
	});

	it('keeps an idle tab connected by repeating its report, with no awareness state', async () => {
		// Hocuspocus closes a socket it has heard nothing from for `timeout` (a minute in the
		// product); here a second, with the tab repeating its report every 300 ms.
		const configuration = h.collab.hocuspocus.configuration;
		const productTimeout = configuration.timeout;
		configuration.timeout = 1_000;
		try {
			const kept = await tab(bob, 300);
			const silent = await h.connect(alice.token, presenceDoc);
			await silent.synced;
			const drops = (client: TestClient) => {
				const counter = { count: 0 };
				client.socket.on('disconnect', () => counter.count++);
				return counter;
			};
			const keptDrops = drops(kept.client);
			const silentDrops = drops(silent);
			await new Promise((resolve) => setTimeout(resolve, 3_500));
			expect(silentDrops.count).toBeGreaterThan(0);
			expect(keptDrops.count).toBe(0);
			expect(kept.client.provider.awareness!.getLocalState()).toBeNull();
			kept.client.destroy();
			silent.destroy();
		} finally {
			configuration.timeout = productTimeout;
		}
	});

	it('ends the presence of a person who is deactivated', async () => {
		const bobTab = await tab(bob);
		const aliceTab = await tab(alice);
		await waitFor(() => bobTab.hub.of(alice.user.id) === 'online', 5_000, 'alice online');
		await h.app.people.deactivate(admin.user, alice.user.id);
		await waitFor(() => aliceTab.client.closes.length > 0, 5_000, 'alice disconnected');
		await waitFor(() => bobTab.hub.of(alice.user.id) === 'offline', 5_000, 'alice offline');
		bobTab.client.destroy();
	});
});
