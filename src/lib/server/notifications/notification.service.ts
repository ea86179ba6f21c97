import type { Database, Sql } from '../db/database.ts';
import type { DomainEvents } from '../events.ts';
import { AppError, notFound } from '../errors.ts';
import type { ChannelRepository, ChannelRow } from '../channels/channel.repository.ts';
import { toChannelRef } from '../channels/channel.service.ts';
import type { FeedService } from '../feed/feed.service.ts';
import type { MessageRecord } from '../messages/message.repository.ts';
import { logger } from '../logging/logger.ts';
import { channelAccess, type Actor } from '#shared/policy.ts';
import { mentionsPerson } from '#shared/chat/mentions.ts';
import type { Mention } from '#shared/chat/document-schema.ts';
import { inDoNotDisturb } from '#shared/notifications/do-not-disturb.ts';
import {
	MENTION_REASONS,
	type ChannelNotificationSetting,
	type ChannelNotificationSettingInput,
	type ListNotificationsQuery,
	type MarkAllReadInput,
	type Notification,
	type NotificationLevel,
	type NotificationPage,
	type NotificationPreferencesInput,
	type NotificationReason,
	type NotificationSettings
} from '#shared/api/notifications.schema.ts';
import {
	DEFAULT_PREFERENCES,
	type NewNotification,
	type NotificationRepository,
	type Preferences,
	type StoredNotification
} from './notification.repository.ts';
import { Wired } from '#shared/wired.ts';

/** Characters of a message a notification shows. */
const SNIPPET_LENGTH = 140;

export function snippetOf(text: string, attachments: unknown[] = []): string {
	const flat = text.replace(/\s+/g, ' ').trim();
	if (flat.length === 0) return attachments.length > 0 ? 'Sent a file' : '';
	return flat.length > SNIPPET_LENGTH ? `${flat.slice(0, SNIPPET_LENGTH - 1)}…` : flat;
}

/** Notifications to store: who is notified and why, by whom, where, and the row each one makes. */
interface NotificationBatch {
	channel: ChannelRow;
	actor: { id: string; name: string } | null;
	wanted: { person: { id: string }; reason: NotificationReason }[];
	make: (person: { id: string }, reason: NotificationReason) => NewNotification;
}

/**
 * In-app notifications. They are made on the server, from what it accepted: the message record
 * (`messagesRecorded`, fed by MessageRecordService after each batch is written) and an
 * invitation (`invited`, inside ChannelService's transaction). Each is stored with its feed
 * event in one transaction, idempotently per (person, message, reason), then the feed is woken
 * and `notification.created` is emitted for email and push. Reading, on any device or by
 * reading the message itself, is written and told to every tab the same way.
 */
export class NotificationService extends Wired<{
	database: Database;
	notifications: NotificationRepository;
	channels: ChannelRepository;
	feed: FeedService;
	events: DomainEvents;
}>() {
	/** Work from the record, one after another and in the order it was recorded. */
	private chain: Promise<void> = Promise.resolve();
	/** Kinds never change: a message with nobody to notify costs no query. */
	private kinds = new Map<string, ChannelRow['kind']>();

	/** Waits for the work the record handed over so far (tests, shutdown). */
	idle(): Promise<void> {
		return this.chain;
	}

	private enqueue(work: () => Promise<void>): Promise<void> {
		const next = this.chain.then(work).catch((error) => {
			logger.error({ err: error }, 'notification work failed');
		});
		this.chain = next;
		return next;
	}

	/** Messages the record has written (new ones and edits): who is to be notified of each. */
	messagesRecorded(records: readonly MessageRecord[]): Promise<void> {
		const live = records.filter((record) => !record.deleted);
		const deleted = records.filter((record) => record.deleted).map((record) => record.id);
		if (live.length === 0 && deleted.length === 0) return Promise.resolve();
		return this.enqueue(async () => {
			for (const record of live) await this.forMessage(record);
			if (deleted.length > 0) await this.messagesDeleted(deleted);
		});
	}

	/** A deleted message notifies of nothing any more: its notifications are read, everywhere. */
	private async messagesDeleted(messageIds: string[]): Promise<void> {
		let read: { userId: string; id: string }[] = [];
		await this.database.sql.begin(async (tx) => {
			const sql = tx as unknown as Sql;
			read = await this.notifications.markReadOfMessages(messageIds, sql);
			for (const [userId, ids] of byPerson(read)) {
				await this.feed.notificationsRead(sql, userId, ids);
			}
		});
		for (const [userId, ids] of byPerson(read)) this.announceRead(userId, ids);
	}

	/** A read mark the record has written: the notifications it covers are read. */
	readRecorded(channelId: string, userId: string, messageId: string): Promise<void> {
		return this.enqueue(async () => {
			let read: string[] = [];
			await this.database.sql.begin(async (tx) => {
				const sql = tx as unknown as Sql;
				read = await this.notifications.markReadUpTo(userId, channelId, messageId, sql);
				if (read.length > 0) await this.feed.notificationsRead(sql, userId, read);
			});
			this.announceRead(userId, read);
		});
	}

	/**
	 * Who a message notifies, and why (one reason each, the strongest): a direct message, a
	 * mention by name, @channel or @team of theirs, a reply in a thread they follow. Never its
	 * author, never someone who cannot read the conversation, and as their preferences say.
	 */
	async forMessage(record: MessageRecord): Promise<StoredNotification[]> {
		const mentions = record.mentions as Mention[];
		const known = this.kinds.get(record.channelId);
		if (known && known !== 'dm' && mentions.length === 0 && record.threadId === null) return [];
		const channel = await this.channels.find(record.channelId);
		if (!channel) return [];
		this.kinds.set(channel.id, channel.kind);
		const everyone = mentions.includes('channel') || mentions.includes('team');
		const named = new Set(mentions.filter((id) => id !== 'channel' && id !== 'team'));
		const followers = record.threadId
			? await this.notifications.followers(channel.id, record.threadId, record.authorId)
			: [];
		let candidates: string[] | null;
		if (everyone || channel.kind === 'dm') candidates = null;
		else candidates = [...new Set([...named, ...followers, record.authorId])];
		if (candidates !== null && candidates.length <= 1) return [];
		const people = await this.notifications.peopleOf(channel.orgId, channel.id, candidates);
		const author = people.find((person) => person.id === record.authorId);
		const ref = toChannelRef(channel);
		const team = channel.teamId ?? author?.teamId ?? null;
		const follows = new Set(followers);
		const wanted: { person: Actor; reason: NotificationReason }[] = [];
		for (const person of people) {
			if (person.id === record.authorId) continue;
			if (!channelAccess(person, ref, person.explicitMember).read) continue;
			const reason = reasonFor(person, {
				direct: channel.kind === 'dm',
				mentions,
				sameTeam: team !== null && person.teamId === team,
				follows: follows.has(person.id)
			});
			if (reason) wanted.push({ person, reason });
		}
		return this.store({
			channel,
			actor: author ? { id: author.id, name: author.name } : null,
			wanted,
			make: (person, reason) => ({
				userId: person.id,
				orgId: channel.orgId,
				channelId: channel.id,
				messageId: record.id,
				threadId: record.threadId,
				actorId: record.authorId,
				reason,
				snippet: snippetOf(record.text, record.attachments),
				heldByDnd: false
			})
		});
	}

	/**
	 * People added to a conversation, inside the change's transaction `tx`: their invitation is
	 * stored with it (reason `breakout` for a breakout room's participants). Hand the result to
	 * `announce` once committed.
	 */
	async invited(
		tx: Sql,
		channel: ChannelRow,
		actorId: string,
		userIds: string[],
		reason: 'invitation' | 'breakout' = 'invitation'
	): Promise<StoredNotification[]> {
		const names = await this.notifications.names([actorId], tx);
		const actor = { id: actorId, name: names.get(actorId) ?? '' };
		const wanted = userIds
			.filter((id) => id !== actor.id)
			.map((id) => ({ person: { id }, reason }));
		return this.storeIn(tx, {
			channel,
			actor,
			wanted,
			make: (person, reason) => ({
				userId: person.id,
				orgId: channel.orgId,
				channelId: channel.id,
				messageId: null,
				threadId: null,
				actorId: actor.id,
				reason,
				snippet: '',
				heldByDnd: false
			})
		});
	}

	/**
	 * A decision on a person's approval request, inside the decision's transaction `tx`: filed
	 * under the conversation it concerns (`channel`), keyed by the request's id (one per request).
	 * Hand the result to `announce` once committed.
	 */
	approvalDecided(
		tx: Sql,
		channel: ChannelRow,
		decision: { requestId: string; requesterId: string; deciderId: string; text: string }
	): Promise<StoredNotification[]> {
		return this.aboutRequest(tx, channel, 'approval', {
			requestId: decision.requestId,
			actorId: decision.deciderId,
			userIds: [decision.requesterId],
			text: decision.text
		});
	}

	/**
	 * A request waiting for a decision, inside the asking's transaction `tx`: each person who may
	 * decide it is asked ("asks to join “Leads”", the `text`), filed under the conversation it
	 * concerns and keyed by the request's id, as their preferences say (a muted conversation, the
	 * level `nothing` and quiet hours apply as to any notification). Hand the result to
	 * `announce` once committed.
	 */
	approvalRequested(
		tx: Sql,
		channel: ChannelRow,
		request: { requestId: string; requesterId: string; approverIds: string[]; text: string }
	): Promise<StoredNotification[]> {
		return this.aboutRequest(tx, channel, 'approval-request', {
			requestId: request.requestId,
			actorId: request.requesterId,
			userIds: request.approverIds.filter((id) => id !== request.requesterId),
			text: request.text
		});
	}

	/**
	 * A request was decided (by one of its deciders, in the inbox or on the People page), inside
	 * the decision's transaction `tx`: the others' notifications asking for it are read, as a
	 * message read on one device is read everywhere, so that no badge, email or push nags about
	 * what is settled. Answers what tells their screens, to run once committed.
	 */
	async approvalSettled(tx: Sql, requestId: string): Promise<() => void> {
		const read = byPerson(await this.notifications.markRequestSettled(requestId, tx));
		for (const [userId, ids] of read) await this.feed.notificationsRead(tx, userId, ids);
		return () => {
			for (const [userId, ids] of read) this.announceRead(userId, ids);
		};
	}

	/** A notification about an approval request (its id is the key), by `actorId` to `userIds`. */
	private async aboutRequest(
		tx: Sql,
		channel: ChannelRow,
		reason: 'approval' | 'approval-request',
		about: { requestId: string; actorId: string; userIds: string[]; text: string }
	): Promise<StoredNotification[]> {
		const names = await this.notifications.names([about.actorId], tx);
		const actor = { id: about.actorId, name: names.get(about.actorId) ?? '' };
		return this.storeIn(tx, {
			channel,
			actor,
			wanted: about.userIds.map((id) => ({ person: { id }, reason })),
			make: (person, reason) => ({
				userId: person.id,
				orgId: channel.orgId,
				channelId: channel.id,
				messageId: about.requestId,
				threadId: null,
				actorId: actor.id,
				reason,
				snippet: snippetOf(about.text),
				heldByDnd: false
			})
		});
	}

	/** After the commit: the feeds are woken and email and push are told. */
	announce(created: readonly StoredNotification[]): void {
		if (created.length === 0) return;
		this.feed.notify(created.map((row) => row.userId));
		for (const row of created) {
			this.events.emit('notification.created', {
				notificationId: row.id,
				personId: row.userId,
				orgId: row.orgId,
				channelId: row.channelId,
				messageId: row.messageId,
				reason: row.reason,
				heldByDnd: row.heldByDnd
			});
		}
	}

	private async store(batch: NotificationBatch): Promise<StoredNotification[]> {
		if (batch.wanted.length === 0) return [];
		const created = await this.database.sql.begin((tx) =>
			this.storeIn(tx as unknown as Sql, batch)
		);
		this.announce(created);
		return created;
	}

	/** Applies preferences and quiet hours, stores what is left and appends its feed events. */
	private async storeIn(
		tx: Sql,
		{ channel, actor, wanted, make }: NotificationBatch
	): Promise<StoredNotification[]> {
		if (wanted.length === 0) return [];
		const ids = wanted.map(({ person }) => person.id);
		const [preferences, settings] = await Promise.all([
			this.notifications.preferences(ids, tx),
			this.notifications.channelSettings(channel.id, ids, tx)
		]);
		const now = new Date();
		const rows: NewNotification[] = [];
		for (const { person, reason } of wanted) {
			const own = preferences.get(person.id) ?? DEFAULT_PREFERENCES;
			const setting = settings.get(person.id);
			if (setting?.muted) continue;
			const level: NotificationLevel =
				setting && setting.level !== 'default' ? setting.level : own.level;
			if (!allows(level, reason)) continue;
			rows.push({ ...make(person, reason), heldByDnd: inDoNotDisturb(own.dnd, now) });
		}
		const inserted = await this.notifications.insertMany(
			rows.filter((row) => row.reason !== 'invitation'),
			tx
		);
		const invitations = rows.filter((row) => row.reason === 'invitation');
		const renewed = await this.notifications.renewInvitations(invitations, tx);
		const created = [
			...inserted,
			...renewed,
			...(await this.notifications.insertMany(invitations, tx))
		];
		await this.feed.notificationsCreated(
			tx,
			created.map((row) => ({
				userId: row.userId,
				notification: toNotification(row, channel, actor)
			}))
		);
		return created;
	}

	// ——— What a person asks for (the API) ———

	async list(actor: Actor, query: ListNotificationsQuery): Promise<NotificationPage> {
		const after = query.after ? await this.notifications.findOwn(actor.id, query.after) : null;
		if (query.after && !after) throw notFound('That notification');
		const page = await this.notifications.list(actor.id, {
			after,
			limit: query.limit + 1,
			unreadOnly: query.unread
		});
		const more = page.length > query.limit;
		const notifications = more ? page.slice(0, query.limit) : page;
		return {
			notifications,
			unread: await this.notifications.unreadCount(actor.id),
			next: more ? (notifications.at(-1)?.id ?? null) : null
		};
	}

	/** One of the person's own notifications (another person's is not found: it does not exist for them). */
	async markRead(actor: Actor, id: string): Promise<{ unread: number }> {
		if (!(await this.notifications.findOwn(actor.id, id))) throw notFound('That notification');
		await this.read(actor.id, { ids: [id] });
		return { unread: await this.notifications.unreadCount(actor.id) };
	}

	async markAllRead(actor: Actor, input: MarkAllReadInput): Promise<{ unread: number }> {
		if (input.channelId) await this.requireReadable(actor, input.channelId);
		await this.read(actor.id, { channelId: input.channelId });
		return { unread: await this.notifications.unreadCount(actor.id) };
	}

	/**
	 * Which of a person's notifications in a conversation are still unread: email and push read
	 * this again just before sending, and drop what was read meanwhile.
	 */
	unreadFor(personId: string, channelId: string): Promise<string[]> {
		return this.notifications.unreadIn(personId, channelId);
	}

	async settings(actor: Actor): Promise<NotificationSettings> {
		const own = (await this.notifications.preferences([actor.id])).get(actor.id);
		return {
			...(own ?? DEFAULT_PREFERENCES),
			channels: await this.notifications.channelSettingsOf(actor.id)
		};
	}

	async updatePreferences(
		actor: Actor,
		input: NotificationPreferencesInput
	): Promise<NotificationSettings> {
		const preferences: Preferences = { level: input.level, dnd: input.dnd };
		await this.notifications.savePreferences(actor.id, preferences);
		return this.settings(actor);
	}

	async updateChannel(
		actor: Actor,
		channelId: string,
		input: ChannelNotificationSettingInput
	): Promise<ChannelNotificationSetting> {
		const channel = await this.requireReadable(actor, channelId);
		await this.notifications.saveChannelSetting(actor.id, channelId, input);
		return {
			channelId,
			channelName: channel.name,
			channelKind: channel.kind,
			level: input.level,
			muted: input.muted
		};
	}

	async follow(
		actor: Actor,
		threadId: string,
		following: boolean
	): Promise<{ following: boolean }> {
		const { channelId } = await this.requireThread(actor, threadId);
		await this.notifications.setFollowing(actor.id, channelId, threadId, following);
		return { following };
	}

	async following(actor: Actor, threadId: string): Promise<{ following: boolean }> {
		const { channelId } = await this.requireThread(actor, threadId);
		return { following: await this.notifications.following(actor.id, channelId, threadId) };
	}

	private async read(userId: string, which: { ids: string[] } | { channelId: string | null }) {
		let read: string[] = [];
		await this.database.sql.begin(async (tx) => {
			const sql = tx as unknown as Sql;
			read = await this.notifications.markRead(userId, which, sql);
			if (read.length > 0) await this.feed.notificationsRead(sql, userId, read);
		});
		this.announceRead(userId, read);
	}

	private announceRead(userId: string, ids: string[]): void {
		if (ids.length === 0) return;
		this.feed.notify([userId]);
		this.events.emit('notification.read', { personId: userId, notificationIds: ids });
	}

	/** The conversation, when the person may read it; not found otherwise (as everywhere). */
	private async requireReadable(actor: Actor, channelId: string): Promise<ChannelRow> {
		const channel = await this.channels.find(channelId);
		if (!channel || channel.orgId !== actor.orgId) throw notFound('That conversation');
		const explicit = await this.channels.isExplicitMember(channelId, actor.id);
		if (!channelAccess(actor, toChannelRef(channel), explicit).read) {
			throw notFound('That conversation');
		}
		return channel;
	}

	private async requireThread(actor: Actor, threadId: string) {
		const message = await this.notifications.channelOfMessage(threadId);
		if (!message) throw notFound('That thread');
		if (message.threadId !== null && message.threadId !== threadId) {
			throw new AppError('VALIDATION_FAILED', 'Follow a thread by its first message.');
		}
		await this.requireReadable(actor, message.channelId).catch(() => {
			throw notFound('That thread');
		});
		return message;
	}
}

function byPerson(rows: { userId: string; id: string }[]): Map<string, string[]> {
	const people = new Map<string, string[]>();
	for (const { userId, id } of rows) people.set(userId, [...(people.get(userId) ?? []), id]);
	return people;
}

/** The one reason a message notifies a person for, the strongest first; null for none. */
function reasonFor(
	person: { id: string },
	message: { direct: boolean; mentions: Mention[]; sameTeam: boolean; follows: boolean }
): NotificationReason | null {
	if (message.direct) return 'direct';
	if (message.mentions.includes(person.id)) return 'mention';
	if (mentionsPerson(message.mentions, person.id, { sameTeam: message.sameTeam })) return 'group';
	if (message.follows) return 'reply';
	return null;
}

/** Whether a level lets a reason through (muting is decided before). */
function allows(level: NotificationLevel, reason: NotificationReason): boolean {
	if (level === 'nothing') return false;
	return level === 'all' || MENTION_REASONS.includes(reason);
}

function toNotification(
	row: StoredNotification,
	channel: ChannelRow,
	actor: { id: string; name: string } | null
): Notification {
	return {
		id: row.id,
		channelId: channel.id,
		channelName: channel.name,
		channelKind: channel.kind,
		messageId: row.messageId,
		threadId: row.threadId,
		reason: row.reason,
		actor,
		snippet: row.snippet,
		createdAt: row.createdAt.toISOString(),
		readAt: null,
		heldByDnd: row.heldByDnd
	};
}
