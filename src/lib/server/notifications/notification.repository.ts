import type { Sql } from '../db/database.ts';
import type {
	ChannelNotificationLevel,
	ChannelNotificationSetting,
	Notification,
	NotificationLevel,
	NotificationReason
} from '#shared/api/notifications.schema.ts';
import type { Actor } from '#shared/policy.ts';
import type { DoNotDisturb } from '#shared/notifications/do-not-disturb.ts';

/** A notification to store (migration 007). */
export interface NewNotification {
	userId: string;
	orgId: string;
	channelId: string;
	messageId: string | null;
	threadId: string | null;
	actorId: string | null;
	reason: NotificationReason;
	snippet: string;
	heldByDnd: boolean;
}

/** A stored notification as the service hands it on. */
export interface StoredNotification extends NewNotification {
	id: string;
	createdAt: Date;
}

export interface Preferences {
	level: NotificationLevel;
	dnd: DoNotDisturb;
}

export const DEFAULT_PREFERENCES: Preferences = {
	level: 'all',
	dnd: { enabled: false, days: [1, 2, 3, 4, 5], from: '18:00', to: '09:00', timeZone: 'UTC' }
};

/** Notifications, preferences, conversations' own levels and thread follows. */
export class NotificationRepository {
	readonly sql: Sql;
	constructor(sql: Sql) {
		this.sql = sql;
	}

	/**
	 * Stores notifications, skipping any (person, message or conversation, reason) already
	 * stored: returns only those this call made, which are the ones to announce.
	 */
	async insertMany(
		rows: readonly NewNotification[],
		tx: Sql = this.sql
	): Promise<StoredNotification[]> {
		if (rows.length === 0) return [];
		const input = rows.map((row) => ({
			user_id: row.userId,
			org_id: row.orgId,
			channel_id: row.channelId,
			message_id: row.messageId,
			thread_id: row.threadId,
			actor_id: row.actorId,
			reason: row.reason,
			snippet: row.snippet,
			held_by_dnd: row.heldByDnd
		}));
		return tx<StoredNotification[]>`
			insert into notifications (user_id, org_id, channel_id, message_id, thread_id, actor_id,
				reason, snippet, held_by_dnd)
			select user_id, org_id, channel_id, message_id, thread_id, actor_id, reason, snippet,
				held_by_dnd
			from jsonb_to_recordset(${tx.json(input as never)}) as x(user_id uuid, org_id uuid,
				channel_id uuid, message_id uuid, thread_id uuid, actor_id uuid, reason text,
				snippet text, held_by_dnd boolean)
			on conflict (user_id, (coalesce(message_id, channel_id)), reason) do nothing
			returning id, user_id as "userId", org_id as "orgId", channel_id as "channelId",
				message_id as "messageId", thread_id as "threadId", actor_id as "actorId", reason,
				snippet, held_by_dnd as "heldByDnd", created_at as "createdAt"`;
	}

	/**
	 * An invitation again (added back after leaving): the one stored is made new and unread.
	 * Returns it only when it changed.
	 */
	async renewInvitations(
		rows: readonly NewNotification[],
		tx: Sql = this.sql
	): Promise<StoredNotification[]> {
		if (rows.length === 0) return [];
		const ids = rows.map((row) => row.userId);
		const { channelId, actorId } = rows[0]!;
		return tx<StoredNotification[]>`
			update notifications set read_at = null, created_at = now(), actor_id = ${actorId}
			where reason = 'invitation' and channel_id = ${channelId} and user_id in ${tx(ids)}
				and read_at is not null
			returning id, user_id as "userId", org_id as "orgId", channel_id as "channelId",
				message_id as "messageId", thread_id as "threadId", actor_id as "actorId", reason,
				snippet, held_by_dnd as "heldByDnd", created_at as "createdAt"`;
	}

	/** A person's notifications, newest first, after the given one (a page). */
	async list(
		userId: string,
		options: { after: { createdAt: Date; id: string } | null; limit: number; unreadOnly: boolean },
		ids: string[] | null = null
	): Promise<Notification[]> {
		const sql = this.sql;
		const rows = await sql<
			(Omit<Notification, 'createdAt' | 'readAt' | 'actor'> & {
				createdAt: Date;
				readAt: Date | null;
				actorId: string | null;
				actorName: string | null;
			})[]
		>`
			select n.id, n.channel_id as "channelId", c.name as "channelName", c.kind as "channelKind",
				n.message_id as "messageId", n.thread_id as "threadId", n.reason, n.snippet,
				n.created_at as "createdAt", n.read_at as "readAt", n.held_by_dnd as "heldByDnd",
				n.actor_id as "actorId", a.name as "actorName"
			from notifications n
			join channels c on c.id = n.channel_id
			left join users a on a.id = n.actor_id
			where n.user_id = ${userId}
				${ids ? sql`and n.id in ${sql(ids)}` : sql``}
				${options.unreadOnly ? sql`and n.read_at is null` : sql``}
				${
					options.after
						? sql`and (n.created_at, n.id) < (${options.after.createdAt}, ${options.after.id})`
						: sql``
				}
			order by n.created_at desc, n.id desc
			limit ${options.limit}`;
		return rows.map(({ actorId, actorName, createdAt, readAt, ...row }) => ({
			...row,
			actor: actorId ? { id: actorId, name: actorName ?? '' } : null,
			createdAt: createdAt.toISOString(),
			readAt: readAt?.toISOString() ?? null
		}));
	}

	/** The notification of this person with this id (null when it is someone else's). */
	async findOwn(userId: string, id: string): Promise<{ id: string; createdAt: Date } | null> {
		const [row] = await this.sql<{ id: string; createdAt: Date }[]>`
			select id, created_at as "createdAt" from notifications
			where id = ${id} and user_id = ${userId}`;
		return row ?? null;
	}

	async unreadCount(userId: string): Promise<number> {
		const [row] = await this.sql<{ count: number }[]>`
			select count(*)::int as count from notifications
			where user_id = ${userId} and read_at is null`;
		return row?.count ?? 0;
	}

	/** Ids of the person's unread notifications in a conversation. */
	async unreadIn(userId: string, channelId: string): Promise<string[]> {
		const rows = await this.sql<{ id: string }[]>`
			select id from notifications
			where user_id = ${userId} and channel_id = ${channelId} and read_at is null
			order by created_at`;
		return rows.map((row) => row.id);
	}

	/** Marks read; returns the ids that were unread. */
	async markRead(
		userId: string,
		which: { ids: string[] } | { channelId: string | null },
		tx: Sql = this.sql
	): Promise<string[]> {
		const rows = await tx<{ id: string }[]>`
			update notifications set read_at = now()
			where user_id = ${userId} and read_at is null and ${
				'ids' in which
					? tx`id in ${tx(which.ids)}`
					: which.channelId
						? tx`channel_id = ${which.channelId}`
						: tx`true`
			}
			returning id`;
		return rows.map((row) => row.id);
	}

	/** Marks read every unread notification of these messages; returns whose and which. */
	async markReadOfMessages(
		messageIds: string[],
		tx: Sql = this.sql
	): Promise<{ userId: string; id: string }[]> {
		return tx<{ userId: string; id: string }[]>`
			update notifications set read_at = now()
			where message_id in ${tx(messageIds)} and read_at is null
			returning user_id as "userId", id`;
	}

	/**
	 * A request was decided: the notifications asking its deciders for a decision are read.
	 * Returns whose and which were unread.
	 */
	async markRequestSettled(
		requestId: string,
		tx: Sql = this.sql
	): Promise<{ userId: string; id: string }[]> {
		return tx<{ userId: string; id: string }[]>`
			update notifications set read_at = now()
			where message_id = ${requestId} and reason = 'approval-request' and read_at is null
			returning user_id as "userId", id`;
	}

	/**
	 * The person read a conversation up to a message: its notifications up to that message (and
	 * the invitation to it) are read. Returns the ids that were unread.
	 */
	async markReadUpTo(
		userId: string,
		channelId: string,
		messageId: string,
		tx: Sql = this.sql
	): Promise<string[]> {
		const rows = await tx<{ id: string }[]>`
			update notifications n set read_at = now()
			where n.user_id = ${userId} and n.channel_id = ${channelId} and n.read_at is null
				and (n.message_id is null or exists (
					select 1 from messages m, messages upto
					where m.id = n.message_id and upto.id = ${messageId}
						and m.accepted_at <= upto.accepted_at))
			returning n.id`;
		return rows.map((row) => row.id);
	}

	async preferences(
		userIds: readonly string[],
		tx: Sql = this.sql
	): Promise<Map<string, Preferences>> {
		if (userIds.length === 0) return new Map();
		const rows = await tx<
			{
				userId: string;
				level: NotificationLevel;
				dndEnabled: boolean;
				dndDays: number[];
				dndFrom: string;
				dndTo: string;
				timeZone: string;
			}[]
		>`
			select user_id as "userId", level, dnd_enabled as "dndEnabled", dnd_days as "dndDays",
				dnd_from as "dndFrom", dnd_to as "dndTo", time_zone as "timeZone"
			from notification_preferences where user_id in ${tx(userIds as string[])}`;
		return new Map(
			rows.map((row) => [
				row.userId,
				{
					level: row.level,
					dnd: {
						enabled: row.dndEnabled,
						days: row.dndDays,
						from: row.dndFrom,
						to: row.dndTo,
						timeZone: row.timeZone
					}
				}
			])
		);
	}

	async savePreferences(userId: string, preferences: Preferences): Promise<void> {
		const { level, dnd } = preferences;
		await this.sql`
			insert into notification_preferences (user_id, level, dnd_enabled, dnd_days, dnd_from,
				dnd_to, time_zone, updated_at)
			values (${userId}, ${level}, ${dnd.enabled}, ${dnd.days}::smallint[], ${dnd.from},
				${dnd.to}, ${dnd.timeZone}, now())
			on conflict (user_id) do update set level = excluded.level,
				dnd_enabled = excluded.dnd_enabled, dnd_days = excluded.dnd_days,
				dnd_from = excluded.dnd_from, dnd_to = excluded.dnd_to,
				time_zone = excluded.time_zone, updated_at = now()`;
	}

	/** Conversations' own levels of these people in one conversation. */
	async channelSettings(
		channelId: string,
		userIds: readonly string[],
		tx: Sql = this.sql
	): Promise<Map<string, { level: ChannelNotificationLevel; muted: boolean }>> {
		if (userIds.length === 0) return new Map();
		const rows = await tx<{ userId: string; level: ChannelNotificationLevel; muted: boolean }[]>`
			select user_id as "userId", level, muted from notification_channel_settings
			where channel_id = ${channelId} and user_id in ${tx(userIds as string[])}`;
		return new Map(rows.map(({ userId, level, muted }) => [userId, { level, muted }]));
	}

	/** A person's conversations with a level of their own or muted. */
	async channelSettingsOf(userId: string): Promise<ChannelNotificationSetting[]> {
		return this.sql<ChannelNotificationSetting[]>`
			select s.channel_id as "channelId", c.name as "channelName", c.kind as "channelKind",
				s.level, s.muted
			from notification_channel_settings s join channels c on c.id = s.channel_id
			where s.user_id = ${userId} and (s.level <> 'default' or s.muted)
			order by lower(c.name)`;
	}

	async saveChannelSetting(
		userId: string,
		channelId: string,
		setting: { level: ChannelNotificationLevel; muted: boolean }
	): Promise<void> {
		await this.sql`
			insert into notification_channel_settings (user_id, channel_id, level, muted)
			values (${userId}, ${channelId}, ${setting.level}, ${setting.muted})
			on conflict (user_id, channel_id) do update set level = excluded.level,
				muted = excluded.muted`;
	}

	/**
	 * Who follows a thread. Writing in a thread follows it, and so does having started it,
	 * unless the person unfollowed it (a row with `following` false, kept so that it sticks).
	 */
	async followers(
		channelId: string,
		threadId: string,
		writerId: string,
		tx: Sql = this.sql
	): Promise<string[]> {
		await tx`
			insert into thread_follows (user_id, channel_id, thread_id, following)
			select author_id, channel_id, id, true from messages
			where id = ${threadId} and channel_id = ${channelId}
			union
			select ${writerId}::uuid, ${channelId}::uuid, ${threadId}::uuid, true
			on conflict (user_id, thread_id) do nothing`;
		const rows = await tx<{ userId: string }[]>`
			select user_id as "userId" from thread_follows
			where thread_id = ${threadId} and channel_id = ${channelId} and following`;
		return rows.map((row) => row.userId);
	}

	async setFollowing(
		userId: string,
		channelId: string,
		threadId: string,
		following: boolean
	): Promise<void> {
		await this.sql`
			insert into thread_follows (user_id, channel_id, thread_id, following)
			values (${userId}, ${channelId}, ${threadId}, ${following})
			on conflict (user_id, thread_id) do update set following = excluded.following`;
	}

	/** Whether the person follows a thread: a row says so, or they started or wrote in it. */
	async following(userId: string, channelId: string, threadId: string): Promise<boolean> {
		const [row] = await this.sql<{ following: boolean | null; wrote: boolean }[]>`
			select (select following from thread_follows
					where user_id = ${userId} and thread_id = ${threadId}) as following,
				exists (select 1 from messages where channel_id = ${channelId}
					and author_id = ${userId} and (id = ${threadId} or thread_id = ${threadId})) as wrote`;
		return row?.following ?? row?.wrote ?? false;
	}

	/** The conversation a message is in (null when the record does not hold it). */
	async channelOfMessage(
		messageId: string
	): Promise<{ channelId: string; threadId: string | null } | null> {
		const [row] = await this.sql<{ channelId: string; threadId: string | null }[]>`
			select channel_id as "channelId", thread_id as "threadId" from messages where id = ${messageId}`;
		return row ?? null;
	}

	/**
	 * Active people of the organization (all, or those named), each with their name and whether
	 * they were invited to the conversation: what the policy needs to tell who may read it.
	 */
	async peopleOf(
		orgId: string,
		channelId: string,
		ids: string[] | null,
		tx: Sql = this.sql
	): Promise<(Actor & { name: string; explicitMember: boolean })[]> {
		return tx<(Actor & { name: string; explicitMember: boolean })[]>`
			select u.id, u.org_id as "orgId", u.role, u.status, u.department_id as "departmentId",
				u.team_id as "teamId", u.name, (m.user_id is not null) as "explicitMember"
			from users u
			left join channel_members m on m.channel_id = ${channelId} and m.user_id = u.id
			where u.org_id = ${orgId} and u.status = 'active'
				${ids ? tx`and u.id in ${tx(ids)}` : tx``}`;
	}

	async names(userIds: readonly string[], tx: Sql = this.sql): Promise<Map<string, string>> {
		if (userIds.length === 0) return new Map();
		const rows = await tx<{ id: string; name: string }[]>`
			select id, name from users where id in ${tx(userIds as string[])}`;
		return new Map(rows.map((row) => [row.id, row.name]));
	}
}
