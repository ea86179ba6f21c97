import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { documentName, listMessages, postMessage } from '#shared/chat/document-schema.ts';
import { applyStored, DocumentRepository } from '#server/documents/document.repository.ts';
import { availableDatabaseKinds } from '#server/testing/test-database.ts';
import type { SignedInPerson as Person } from '#server/testing/test-app.ts';
import {
	connectClient,
	firstCloseAt,
	useCollabHarness,
	waitFor
} from './testing/collab-harness.ts';
import { logger } from '#server/logging/logger.ts';
import { summaryMessageId } from '#server/breakouts/summary-message.ts';

const kinds = await availableDatabaseKinds();

/**
 * Breakout rooms on the collaboration socket (issue 17): `breakout.<id>.<shard>` opens only for
 * the room's participants and creator, resolves only to a breakout (never to a channel id, nor a
 * breakout id to a channel), its messages are recorded under the room, and its end takes effect
 * on connections already open.
 */
describe.each(kinds)('breakout rooms on the socket on %s', (kind) => {
	const h = useCollabHarness(kind);
	let admin: Person;
	let ann: Person;
	let ben: Person;
	let cat: Person;
	let team: string;

	beforeAll(async () => {
		const org = await h.app.createOrganization('Breakout Socket Co');
		admin = { user: org.admin, token: org.token };
		const platform = await h.app.createTeam(org.admin, 'Platform', 'Engineering');
		[ann, ben, cat] = await h.app.joinTeam(org, platform.id, ['Ann', 'Ben', 'Cat']);
		for (const person of [ann, ben, cat]) {
			person.user = (await h.app.auth.validateToken(person.token))!.user;
		}
		team = (await h.app.channels.list(ann.user)).find((c) => c.kind === 'team')!.id;
	});

	const openRoom = async () =>
		(
			await h.app.breakouts.create(ann.user, team, {
				title: 'Naming',
				durationMinutes: 15,
				agenda: '',
				participantIds: [ben.user.id]
			})
		)[0]!;
	/** A new room, and Ben (its participant) connected to its first shard. */
	const benInNewRoom = async () => {
		const room = await openRoom();
		const name = documentName('breakout', room.id, 0);
		return { room, name, bens: await h.open(ben.token, name) };
	};

	async function recorded(channelId: string): Promise<string[]> {
		const rows = await h.app.database.sql<{ text: string }[]>`
			select text from messages where channel_id = ${channelId} order by accepted_at`;
		return rows.map((row) => row.text);
	}

	it('opens for its participants only, under its own kind, and records there', async () => {
		const room = await openRoom();
		const refused = [
			// A member of the parent who was not invited, and the parent's moderator outside it.
			{ person: cat, name: documentName('breakout', room.id, 0), code: /^forbidden/ },
			{ person: admin, name: documentName('breakout', room.id, 0), code: /^forbidden/ },
			// The room's id under another kind, even for its participants; the parent as a breakout.
			{ person: ben, name: documentName('channel', room.id, 0), code: /^invalid-document/ },
			{ person: ben, name: documentName('dm', room.id, 0), code: /^invalid-document/ },
			{ person: ben, name: documentName('breakout', team, 0), code: /^invalid-document/ }
		];
		for (const { person, name, code } of refused) {
			const client = connectClient(h.url, person.token, name, { maxAttempts: 1 });
			postMessage(client.doc, person.user.id, { text: 'smuggled' });
			await waitFor(() => client.denied.length > 0, 5_000, `a refusal of ${name}`);
			expect(client.denied[0], name).toMatch(code);
			expect(h.collab.hocuspocus.documents.has(name), name).toBe(false);
			client.destroy();
		}

		const name = documentName('breakout', room.id, 0);
		const bens = await h.open(ben.token, name);
		const anns = await h.open(ann.token, name);
		const sent = postMessage(bens.doc, ben.user.id, { text: 'Let us call it Orbit' });
		await bens.acknowledged();
		await waitFor(() => listMessages(anns.doc).some((m) => m.id === sent.id));
		await h.collab.idle();
		expect(await recorded(room.id)).toEqual(['Let us call it Orbit']);
		expect(await recorded(team)).not.toContain('Let us call it Orbit');
		expect(await recorded(team)).not.toContain('smuggled');
		const stored = await h.app.database.sql<{ name: string }[]>`
			select name from documents where name like ${`%${room.id}%`}
			union select name from document_updates where name like ${`%${room.id}%`}`;
		expect([...new Set(stored.map((row) => row.name))]).toEqual([name]);
		bens.destroy();
		anns.destroy();
	});

	it('turns read-only at an early end on connections already open', async () => {
		const { room, name, bens } = await benInNewRoom();
		postMessage(bens.doc, ben.user.id, { text: 'before the end' });
		await bens.acknowledged();
		await h.collab.idle();

		const endedAt = Date.now();
		await h.app.breakouts.end(ann.user, room.id);
		await waitFor(() => bens.closes.length > 0, 5_000, 'the writer to be switched');
		expect(bens.closes[0]).toMatch(/^access-changed/);
		logger.info({ ms: Date.now() - endedAt }, 'writer switched after the early end');

		// Written on the copy of the open connection after the end: never stored.
		postMessage(bens.doc, ben.user.id, { text: 'after the end' });
		await new Promise((resolve) => setTimeout(resolve, 1_000));
		await h.collab.idle();
		const doc = new Y.Doc();
		applyStored(doc, await new DocumentRepository(h.app.database.sql).load(name));
		expect(listMessages(doc).map((m) => m.text)).toEqual(['before the end']);
		expect(await recorded(room.id)).toEqual(['before the end']);

		// Reconnecting, the participant reads the transcript, read-only.
		const again = connectClient(h.url, ben.token, name);
		await again.synced;
		expect(again.provider.authorizedScope).toBe('readonly');
		expect(listMessages(again.doc).map((m) => m.text)).toContain('before the end');
		bens.destroy();
		again.destroy();
	});

	it('keeps a writer writing past the old end after an extension', async () => {
		const { room, name, bens } = await benInNewRoom();
		await h.app.breakouts.extend(ann.user, room.id, { minutes: 10 });
		await waitFor(
			() =>
				[...(h.collab.hocuspocus.documents.get(name)?.getConnections() ?? [])].some(
					(c) => (c.context as { endsAt?: number }).endsAt === Date.parse(room.endsAt) + 10 * 60_000
				),
			5_000,
			'the open connection to learn the new end'
		);
		postMessage(bens.doc, ben.user.id, { text: 'more time' });
		await bens.acknowledged();
		await h.collab.idle();
		expect(bens.closes).toEqual([]);
		expect(await recorded(room.id)).toEqual(['more time']);
		bens.destroy();
	});

	it('posts the summary of an ended room in the parent channel, once, with a transcript link', async () => {
		// Ben and Ann talk in a room: a decision and an action item the summary must carry.
		const { room, bens } = await benInNewRoom();
		postMessage(bens.doc, ben.user.id, { text: 'Should we call it Orbit or Atlas?' });
		postMessage(bens.doc, ben.user.id, { text: 'We decided to go with Orbit as the name.' });
		postMessage(bens.doc, ben.user.id, { text: "I'll register the orbit domain by Friday." });
		await bens.acknowledged();
		await h.collab.idle();
		bens.destroy();
		const parentName = documentName('channel', team, 0);
		const cats = await h.open(cat.token, parentName);
		await h.app.breakouts.end(ann.user, room.id);
		// The summary job's work (the queue does not run in this harness): made and posted.
		await h.app.breakouts.summarize(room.id);
		await h.collab.idle();
		const posted = () =>
			listMessages(cats.doc).filter((m) => m.text.startsWith('**Breakout summary: Naming**'));
		await waitFor(() => posted().length === 1, 5_000, 'the summary in the parent');
		const [summary] = posted();
		expect(summary!.authorId).toBe(ann.user.id);
		expect(summary!.text).toContain('participants: Ann, Ben');
		expect(summary!.text).toMatch(/\*\*Decisions\*\*\n- Go with Orbit as the name/);
		expect(summary!.text).toContain(
			'**Action items**\n- **Ben**: Register the orbit domain by Friday.'
		);
		expect(summary!.text).toContain(`[Read the transcript](`);
		expect(summary!.text).toContain(`/c/${room.id}`);
		expect(summary!.text).toContain('_Written by the built-in summarizer_');
		await waitFor(() => posted()[0]!.acceptedAt !== null, 5_000, 'the summary stamped');
		expect(
			(await recorded(team)).filter((t) => t.startsWith('**Breakout summary: Naming**'))
		).toHaveLength(1);

		// The job again, and the event again (another process, a retry): nothing twice.
		await h.app.breakouts.summarize(room.id);
		h.app.events.emit('breakout.summarized', {
			orgId: room.parentId,
			breakoutId: room.id,
			parentId: room.parentId
		});
		await h.collab.idle();
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(posted()).toHaveLength(1);
		expect(
			(await recorded(team)).filter((t) => t.startsWith('**Breakout summary: Naming**'))
		).toHaveLength(1);
		// The creator, under whose name it was written, posts in the parent as before.
		const anns = await h.open(ann.token, parentName);
		expect(anns.doc.getMap(`u:${ann.user.id}`).size).toBeGreaterThan(0);
		postMessage(anns.doc, ann.user.id, { text: 'Thanks all' });
		await anns.acknowledged();
		await h.collab.idle();
		expect(anns.closes).toEqual([]);
		expect(cats.closes).toEqual([]);
		expect(await recorded(team)).toContain('Thanks all');
		cats.destroy();
		anns.destroy();
	});

	it('posts a summary saved just before a crash once: when its job runs again, or by the sweep', async () => {
		const parentName = documentName('channel', team, 0);
		const cats = await h.open(cat.token, parentName);
		const inParent = (roomId: string) =>
			listMessages(cats.doc).filter((m) => m.id === summaryMessageId(roomId));
		const recordedInParent = async (roomId: string) =>
			(
				await h.app.database.sql`
					select 1 from messages where channel_id = ${team} and id = ${summaryMessageId(roomId)}`
			).length;
		/** Ends a room whose summary is then made and saved, and the process dies posting it. */
		async function endAndCrashWhilePosting() {
			const { room, bens } = await benInNewRoom();
			postMessage(bens.doc, ben.user.id, { text: 'We decided to go with Orbit as the name.' });
			await bens.acknowledged();
			await h.collab.idle();
			bens.destroy();
			await h.app.breakouts.end(ann.user, room.id);
			const putBack = h.app.breakouts.writeSummariesWith(async () => {
				throw new Error('the process died here');
			});
			try {
				await expect(h.app.breakouts.summarize(room.id)).rejects.toThrow('the process died here');
			} finally {
				putBack();
			}
			expect((await h.app.breakouts.breakouts.find(room.id))!.summary).toContain('Orbit');
			expect(inParent(room.id)).toHaveLength(0);
			expect(await recordedInParent(room.id)).toBe(0);
			return room;
		}

		// The job, retried after the crash (its worker's heartbeat stopped): posts what was saved.
		const retried = await endAndCrashWhilePosting();
		await h.app.breakouts.summarize(retried.id);
		await waitFor(() => inParent(retried.id).length === 1, 5_000, 'the summary in the parent');
		expect(inParent(retried.id)[0]!.text).toContain('Orbit');
		expect(await recordedInParent(retried.id)).toBe(1);

		// A job that gave up: the sweep posts summaries of rooms ended over a minute ago.
		const swept = await endAndCrashWhilePosting();
		await h.app.database.sql`
			update breakouts set ended_at = now() - interval '2 minutes' where channel_id = ${swept.id}`;
		await h.app.breakouts.sweep();
		await waitFor(() => inParent(swept.id).length === 1, 5_000, 'the swept summary in the parent');
		expect(await recordedInParent(swept.id)).toBe(1);

		// Again and again: nothing twice.
		await h.app.breakouts.sweep();
		await h.app.breakouts.summarize(retried.id);
		await h.app.breakouts.summarize(swept.id);
		await h.collab.idle();
		expect(inParent(retried.id)).toHaveLength(1);
		expect(inParent(swept.id)).toHaveLength(1);
		expect(await recordedInParent(retried.id)).toBe(1);
		expect(await recordedInParent(swept.id)).toBe(1);
		cats.destroy();
	});

	it('at its natural end: open connections read-only at the moment, the summary in the parent', async () => {
		await h.app.jobQueue.start();
		const room = await openRoom();
		// The room's last seconds (as if its minutes had passed): its end and its timer are due.
		const endsAt = Date.now() + 2_000;
		await h.app.database
			.sql`update channels set ends_at = ${new Date(endsAt)} where id = ${room.id}`;
		await h.app.database.sql`update pgboss.job set start_after = ${new Date(endsAt)}
			where name = 'breakouts.end' and data->>'breakoutId' = ${room.id}`;
		const name = documentName('breakout', room.id, 0);
		const bens = await h.open(ben.token, name);
		const cats = await h.open(cat.token, documentName('channel', team, 0));
		postMessage(bens.doc, ben.user.id, { text: 'We decided on Orbit' });
		await bens.acknowledged();

		const switchedAt = await firstCloseAt(bens, 6_000, 'the participant switched to read-only');
		expect(bens.closes[0]).toMatch(/^access-changed/);
		const summaryShown = () => listMessages(cats.doc).some((m) => m.text.includes(`/c/${room.id}`));
		await waitFor(summaryShown, 15_000, 'the summary in the parent');
		const summaryAt = Date.now();
		const [row] = await h.app.database.sql<{ state: string }[]>`
			select state from breakouts where channel_id = ${room.id}`;
		expect(row!.state).toBe('ended');
		const returned = await h.app.database.sql`
			select 1 from feed_events where user_id = ${ben.user.id} and kind = 'breakout.ended'
				and data->>'breakoutId' = ${room.id}`;
		expect(returned).toHaveLength(1);
		logger.info(
			{ readOnlyMs: switchedAt - endsAt, summaryMs: summaryAt - endsAt },
			'breakout end: read-only and summary shown'
		);
		expect(switchedAt - endsAt).toBeLessThan(500);
		bens.destroy();
		cats.destroy();
	});
});
