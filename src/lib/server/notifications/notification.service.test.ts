import { expect, it } from 'vitest';
import { recordedMessage } from '../messages/testing/recorded-message.ts';
import { describeEachApp } from '../testing/each-database.ts';
import { type SignedInPerson } from '../testing/test-app.ts';
import { errorCode } from '../testing/error-code.ts';
import { MessageRecordService } from '../messages/message-record.service.ts';
import { MessageRepository, type MessageRecord } from '../messages/message.repository.ts';
import type { DomainEventMap } from '../events.ts';
import type { SessionUser } from '#shared/api/auth.schema.ts';

/**
 * Notifications are made from the message record, as the collaboration server feeds it: who is
 * told of a message and why, never the author or someone who cannot read it, once however often
 * the record is fed the same message, as preferences and quiet hours say; read by the API or by
 * reading the conversation, with a feed event for every tab.
 */
describeEachApp('notifications on %s', (app) => {
	let at = Date.parse('2026-03-02T10:00:00Z');

	const record = () =>
		new MessageRecordService(new MessageRepository(app.database.sql), app.notifications);

	async function user(person: SignedInPerson): Promise<SessionUser> {
		return (await app.auth.validateToken(person.token))!.user;
	}

	async function organization() {
		const org = await app.createOrganization();
		const team = await app.createTeam(org.admin, 'Platform', 'Engineering');
		const [ann, ben, cat] = await app.joinTeam(org, team.id, [
			'Ann Author',
			'Ben Reader',
			'Cat Third'
		]);
		const outsider = await app.join(org.joinCode, 'Olga Outsider');
		const people = {
			admin: org.admin,
			ann: await user(ann!),
			ben: await user(ben!),
			cat: await user(cat!),
			olga: await user(outsider)
		};
		const teamChannel = (await app.channels.list(people.ann)).find((c) => c.kind === 'team')!.id;
		return { ...people, teamChannel };
	}

	/** Writes a message to the record as the collaboration server does, and waits for its notifications. */
	async function post(
		channelId: string,
		author: SessionUser,
		text: string,
		mentions: string[] = [],
		extra: Partial<MessageRecord> = {}
	): Promise<MessageRecord> {
		at += 60_000;
		const message = recordedMessage(at, {
			channelId,
			authorId: author.id,
			text,
			mentions,
			...extra
		});
		const service = record();
		await service.recordMessage(channelId, 0, author.id, {
			value: {
				id: message.id,
				text: message.text,
				mentions: message.mentions as never,
				version: message.version,
				createdAt: message.createdAt.getTime(),
				threadId: message.threadId,
				...(message.deleted ? { deleted: true, editedAt: at } : {})
			} as never,
			acceptedAt: at
		});
		await service.idle();
		await app.notifications.idle();
		return message;
	}

	const reasons = async (person: SessionUser) =>
		(await app.notifications.list(person, { limit: 100, unread: false })).notifications.map(
			(n) => n.reason
		);

	async function feedKinds(person: SessionUser): Promise<string[]> {
		const answer = await app.feed.since(person.id, 0);
		return answer.type === 'events' ? answer.events.map((event) => event.kind) : [];
	}

	function collect<K extends keyof DomainEventMap>(name: K): DomainEventMap[K][] {
		const seen: DomainEventMap[K][] = [];
		app.events.on(name, (payload) => seen.push(payload));
		return seen;
	}

	it('notifies a mention once, never its author, with a feed event and a domain event', async () => {
		const o = await organization();
		const created = collect('notification.created');
		const message = await post(o.teamChannel, o.ann, 'hi @Ben Reader', [o.ben.id]);
		expect(await reasons(o.ben)).toEqual(['mention']);
		expect(await reasons(o.ann), 'not the author').toEqual([]);
		expect(await reasons(o.cat), 'not someone else').toEqual([]);
		// The same message recorded again (a replayed update, a repaired shard): nothing new.
		await record().messages.upsert({ ...message, version: 2, text: 'hi @Ben Reader!' });
		await app.notifications.messagesRecorded([{ ...message, version: 2 }]);
		await app.notifications.idle();
		expect(await reasons(o.ben), 'once').toEqual(['mention']);
		expect(await feedKinds(o.ben)).toContain('notification.created');
		const mine = created.filter((event) => event.personId === o.ben.id);
		expect(mine).toHaveLength(1);
		expect(mine[0]).toMatchObject({
			orgId: o.ben.orgId,
			channelId: o.teamChannel,
			messageId: message.id,
			reason: 'mention',
			heldByDnd: false
		});
		const page = await app.notifications.list(o.ben, { limit: 10, unread: false });
		expect(page.notifications[0]).toMatchObject({
			actor: { id: o.ann.id, name: 'Ann Author' },
			snippet: 'hi @Ben Reader',
			readAt: null
		});
		expect(page.unread).toBe(1);
	});

	it('@channel and @team reach the readers of the conversation only', async () => {
		const o = await organization();
		await post(o.teamChannel, o.ann, 'all hands @channel', ['channel']);
		expect(await reasons(o.ben)).toEqual(['group']);
		expect(await reasons(o.cat)).toEqual(['group']);
		expect(await reasons(o.olga), 'outside the team: cannot read it').toEqual([]);
		await post(o.teamChannel, o.ann, 'team @team', ['team']);
		expect(await reasons(o.ben)).toEqual(['group', 'group']);
		// A mention of someone who cannot read the conversation tells them nothing.
		await post(o.teamChannel, o.ann, 'hey @Olga Outsider', [o.olga.id]);
		expect(await reasons(o.olga)).toEqual([]);
	});

	it('direct messages, invitations, and thread replies to those who wrote in or follow the thread', async () => {
		const o = await organization();
		const dm = await app.channels.openDm(o.ann, { memberIds: [o.ben.id] });
		await post(dm.id, o.ann, 'psst');
		expect(await reasons(o.ben)).toEqual(['direct']);
		const group = await app.channels.create(o.ann, {
			kind: 'private',
			name: 'Design',
			topic: '',
			memberIds: [o.cat.id]
		});
		expect(await reasons(o.cat)).toEqual(['invitation']);
		expect(await reasons(o.ann), 'the creator is not invited').toEqual([]);
		await app.channels.addMembers(o.ann, group.id, { userIds: [o.ben.id] });
		expect((await reasons(o.ben))[0]).toBe('invitation');

		const root = await post(o.teamChannel, o.cat, 'a thread');
		await post(o.teamChannel, o.ben, 'first reply', [], { threadId: root.id });
		expect(await reasons(o.cat), 'the thread’s author').toContain('reply');
		await post(o.teamChannel, o.ann, 'second reply', [], { threadId: root.id });
		const benReplies = (await reasons(o.ben)).filter((r) => r === 'reply');
		expect(benReplies, 'who wrote in it follows it').toHaveLength(1);
		expect(await app.notifications.following(o.ben, root.id)).toEqual({ following: true });
		await app.notifications.follow(o.ben, root.id, false);
		await post(o.teamChannel, o.cat, 'third reply', [], { threadId: root.id });
		expect(
			(await reasons(o.ben)).filter((r) => r === 'reply'),
			'unfollowed'
		).toHaveLength(1);
		expect(await app.notifications.following(o.ben, root.id)).toEqual({ following: false });
	});

	it('follows preferences: level, a conversation’s own level, mute, and quiet hours', async () => {
		const o = await organization();
		const dnd = { enabled: false, days: [1], from: '18:00', to: '09:00', timeZone: 'UTC' };
		await app.notifications.updatePreferences(o.ben, { level: 'nothing', dnd });
		await post(o.teamChannel, o.ann, '@Ben Reader', [o.ben.id]);
		expect(await reasons(o.ben), 'nothing').toEqual([]);
		await app.notifications.updateChannel(o.ben, o.teamChannel, {
			level: 'mentions',
			muted: false
		});
		await post(o.teamChannel, o.ann, '@Ben Reader', [o.ben.id]);
		expect(await reasons(o.ben), 'the conversation’s own level wins').toEqual(['mention']);
		await app.notifications.updateChannel(o.ben, o.teamChannel, { level: 'all', muted: true });
		await post(o.teamChannel, o.ann, '@channel', ['channel']);
		expect(await reasons(o.ben), 'muted').toEqual(['mention']);
		const settings = await app.notifications.settings(o.ben);
		expect(settings.level).toBe('nothing');
		expect(settings.channels).toEqual([
			expect.objectContaining({ channelId: o.teamChannel, level: 'all', muted: true })
		]);

		// Quiet hours every day, all day: stored and counted, marked to be held.
		const always = {
			enabled: true,
			days: [0, 1, 2, 3, 4, 5, 6],
			from: '00:00',
			to: '00:00',
			timeZone: 'Europe/Paris'
		};
		await app.notifications.updatePreferences(o.cat, { level: 'mentions', dnd: always });
		const held = collect('notification.created');
		await post(o.teamChannel, o.ann, '@Cat Third', [o.cat.id]);
		const page = await app.notifications.list(o.cat, { limit: 10, unread: false });
		// (Cat had the @channel before, out of quiet hours.)
		expect(page.unread).toBe(2);
		expect(page.notifications.map((n) => [n.reason, n.heldByDnd])).toEqual([
			['mention', true],
			['group', false]
		]);
		expect(held[0]?.heldByDnd).toBe(true);
		// The level `mentions` leaves thread replies out.
		const root = await post(o.teamChannel, o.cat, 'root');
		await post(o.teamChannel, o.ann, 'reply', [], { threadId: root.id });
		expect(await reasons(o.cat)).toEqual(['mention', 'group']);
	});

	it('is read by the API or by reading the conversation, on every tab; another person’s is not found', async () => {
		const o = await organization();
		const first = await post(o.teamChannel, o.ann, '@Ben Reader one', [o.ben.id]);
		const second = await post(o.teamChannel, o.ann, '@Ben Reader two', [o.ben.id]);
		const third = await post(o.teamChannel, o.ann, '@Ben Reader three', [o.ben.id]);
		const list = (await app.notifications.list(o.ben, { limit: 10, unread: false })).notifications;
		const idOf = (messageId: string) => list.find((n) => n.messageId === messageId)!.id;
		const read = collect('notification.read');

		expect(await errorCode(app.notifications.markRead(o.cat, idOf(first.id)))).toBe('NOT_FOUND');
		expect((await app.notifications.list(o.ben, { limit: 10, unread: true })).unread).toBe(3);

		expect(await app.notifications.markRead(o.ben, idOf(third.id))).toEqual({ unread: 2 });
		expect(read.at(-1)).toEqual({ personId: o.ben.id, notificationIds: [idOf(third.id)] });

		// Ben reads the conversation up to the second message: the first two are read.
		const service = record();
		await service.recordRead(o.teamChannel, o.ben.id, second.id, Date.now());
		await service.idle();
		await app.notifications.idle();
		expect(await app.notifications.unreadFor(o.ben.id, o.teamChannel)).toEqual([]);
		expect(await feedKinds(o.ben)).toEqual(
			expect.arrayContaining(['notification.created', 'notification.read'])
		);

		await post(o.teamChannel, o.ann, '@Ben Reader four', [o.ben.id]);
		expect(await app.notifications.unreadFor(o.ben.id, o.teamChannel)).toHaveLength(1);
		expect(
			await errorCode(app.notifications.markAllRead(o.ben, { channelId: crypto.randomUUID() }))
		).toBe('NOT_FOUND');
		expect(await app.notifications.markAllRead(o.ben, { channelId: o.teamChannel })).toEqual({
			unread: 0
		});
	});

	it('a deleted message’s notifications are read, on every tab', async () => {
		const o = await organization();
		const message = await post(o.teamChannel, o.ann, '@Ben Reader oops', [o.ben.id]);
		expect(await app.notifications.unreadFor(o.ben.id, o.teamChannel)).toHaveLength(1);
		await post(o.teamChannel, o.ann, '', [], { id: message.id, version: 2, deleted: true });
		expect(await app.notifications.unreadFor(o.ben.id, o.teamChannel)).toEqual([]);
		expect((await feedKinds(o.ben)).at(-1)).toBe('notification.read');
	});

	it('pages newest first', async () => {
		const o = await organization();
		for (let i = 0; i < 5; i++) await post(o.teamChannel, o.ann, `@Ben Reader ${i}`, [o.ben.id]);
		const first = await app.notifications.list(o.ben, { limit: 2, unread: false });
		expect(first.notifications.map((n) => n.snippet)).toEqual(['@Ben Reader 4', '@Ben Reader 3']);
		const second = await app.notifications.list(o.ben, {
			limit: 3,
			unread: false,
			after: first.next!
		});
		expect(second.notifications.map((n) => n.snippet)).toEqual([
			'@Ben Reader 2',
			'@Ben Reader 1',
			'@Ben Reader 0'
		]);
		expect(second.next).toBeNull();
		expect(
			await errorCode(
				app.notifications.list(o.cat, { limit: 2, unread: false, after: first.next! })
			)
		).toBe('NOT_FOUND');
	});
});
