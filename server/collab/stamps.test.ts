import { beforeAll, expect, it } from 'vitest';
import { describeEachHarness } from './testing/collab-suite.ts';
import * as Y from 'yjs';
import {
	acceptedAt,
	documentName,
	listMessages,
	postMessage
} from '#shared/chat/document-schema.ts';
import { applyStored } from '#server/documents/document.repository.ts';
import { useTeamOfPeople, type SignedInPerson as Person } from '#server/testing/test-app.ts';
import { connectClient, waitFor, type TestClient } from './testing/collab-harness.ts';
import { STAMP_RIDE_MS } from './stamp-queue.ts';

/**
 * An acceptance stamp reaches its author's screens as soon as it is logged, and everyone else's
 * with the document's next change: one frame per message for each member, not two.
 */
describeEachHarness('acceptance stamps on %s', (h) => {
	const world = useTeamOfPeople(() => h.app, 'Stamps Co', ['Alice', 'Bob', 'Carol'], {
		team: 'Tier one',
		department: 'Support'
	});
	const [alice, bob, carol] = world.people;
	let name: string;
	beforeAll(() => {
		name = documentName('channel', world.channelId('team', 'Tier one'), 0);
	});

	const opened = (person: Person): Promise<TestClient> => h.open(person.token, name);

	it("reaches the author's screens at once and the others' with the next message", async () => {
		const [a, aOtherTab, b, c] = [
			await opened(alice),
			await opened(alice),
			await opened(bob),
			await opened(carol)
		];
		// What each change that reached Bob's copy carried, in order.
		const seen: string[] = [];
		let first = '';
		let second = '';
		const inBobsCopy = (id: string, authorId: string) => {
			if (!id || !listMessages(b.doc).some((m) => m.id === id)) return '';
			return acceptedAt(b.doc, authorId, id) === null ? 'posted' : 'stamped';
		};
		b.doc.on('update', () => {
			seen.push(
				`first ${inBobsCopy(first, alice.user.id)}, second ${inBobsCopy(second, carol.user.id)}`
			);
		});

		first = postMessage(a.doc, alice.user.id, { text: 'Queue is empty' }).id;
		// Both of the author's tabs get the stamp on its own frame, each in its own time.
		await waitFor(() =>
			[a, aOtherTab].every((tab) => acceptedAt(tab.doc, alice.user.id, first) !== null)
		);
		expect(listMessages(b.doc).some((m) => m.id === first)).toBe(true);
		expect(acceptedAt(b.doc, alice.user.id, first)).toBeNull();

		second = postMessage(c.doc, carol.user.id, { text: 'Taking the next one' }).id;
		await waitFor(() => acceptedAt(c.doc, carol.user.id, second) !== null);
		const started = Date.now();
		await waitFor(() => acceptedAt(b.doc, carol.user.id, second) !== null, 3 * STAMP_RIDE_MS);
		// With no later change to ride with, the last stamp waited for the timer.
		expect(Date.now() - started).toBeGreaterThan(STAMP_RIDE_MS / 2);
		expect(seen.filter((change) => change !== 'first , second ')).toEqual([
			'first posted, second ',
			'first stamped, second posted',
			'first stamped, second stamped'
		]);
		for (const client of [a, aOtherTab, b, c]) client.destroy();
	});

	it('lets an author reconnect with a stamp the live document does not have yet', async () => {
		// Bob keeps the document loaded, so the server's copy still lacks the stamp.
		const b = await opened(bob);
		const a = await opened(alice);
		const sent = postMessage(a.doc, alice.user.id, { text: 'Back in a second' }).id;
		await waitFor(() => acceptedAt(a.doc, alice.user.id, sent) !== null);
		const copy = a.doc;
		a.destroy();
		// The browser's stored copy already holds the stamp; its sync must not look like a change
		// the server lost (that would be closed as stale and rebuilt).
		const again = connectClient(h.url, alice.token, name, { doc: copy, userId: alice.user.id });
		await again.synced;
		await waitFor(() => acceptedAt(b.doc, alice.user.id, sent) !== null, STAMP_RIDE_MS / 2);
		await again.acknowledged();
		expect(again.closes).toEqual([]);
		again.destroy();
		b.destroy();
	});

	it('keeps a waiting stamp in storage through a compaction, and records its time', async () => {
		const a = await opened(alice);
		const b = await opened(bob);
		const sent = postMessage(a.doc, alice.user.id, { text: 'Compact me' }).id;
		await waitFor(() => acceptedAt(a.doc, alice.user.id, sent) !== null);
		const live = h.collab.hocuspocus.documents.get(name)!;
		expect(acceptedAt(live, alice.user.id, sent)).toBeNull();
		await h.collab.log.compact(live);
		const stored = new Y.Doc();
		applyStored(stored, await h.collab.log.repository.load(name));
		const stampedAt = acceptedAt(a.doc, alice.user.id, sent);
		expect(acceptedAt(stored, alice.user.id, sent)).toBe(stampedAt);
		await h.collab.idle();
		expect(acceptedAt(live, alice.user.id, sent)).toBe(stampedAt);
		const [row] = await h.app.database.sql<{ acceptedAt: Date }[]>`
			select accepted_at as "acceptedAt" from messages where id = ${sent}`;
		expect(row!.acceptedAt.getTime()).toBe(stampedAt);
		a.destroy();
		b.destroy();
	});
});
