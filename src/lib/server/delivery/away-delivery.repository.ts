import type { Sql } from '../db/database.ts';
import type { ChannelKind } from '#shared/policy.ts';

/** A notification an email job took: its message as the email shows it. */
export interface ClaimedNotification {
	id: string;
	messageId: string | null;
	authorName: string;
	text: string;
	sentAt: Date;
}

/** Who a notification is for and where it came from, as an email or a push names them. */
export interface DeliveryContext {
	person: { id: string; name: string; email: string };
	org: { name: string };
	conversation: { id: string; kind: ChannelKind; name: string };
}

/** A notification as a push shows it. */
export interface PushedNotification {
	channelId: string;
	messageId: string | null;
	actorName: string | null;
	channelName: string;
	channelKind: ChannelKind;
	snippet: string;
	reason: string;
}

/** All I/O of delivery to people who are away. */
export class AwayDeliveryRepository {
	private readonly sql: Sql;

	constructor(sql: Sql) {
		this.sql = sql;
	}

	/**
	 * Takes, for one email job, a person's notifications in a conversation that are still unread,
	 * were not held by quiet hours and no other email took; and those this job took before (a
	 * retry after it died). In one statement: two runs of the job cannot both take one.
	 */
	async claimForEmail(
		userId: string,
		channelId: string,
		jobId: string
	): Promise<ClaimedNotification[]> {
		return this.sql<ClaimedNotification[]>`
			with taken as (
				update notifications set emailed_at = now(), email_job = ${jobId}
				where user_id = ${userId} and channel_id = ${channelId} and read_at is null
					and not held_by_dnd and (email_job is null or email_job = ${jobId})
				returning id, message_id, actor_id, snippet, created_at
			)
			select t.id, t.message_id as "messageId", coalesce(u.name, 'Someone') as "authorName",
				coalesce(m.text, t.snippet) as text, coalesce(m.accepted_at, t.created_at) as "sentAt"
			from taken t
			left join users u on u.id = t.actor_id
			left join messages m on m.id = t.message_id
			where m.deleted_at is null
			order by "sentAt", t.id`;
	}

	/** The person, organization and conversation of an email, or null if one is gone. */
	async context(userId: string, channelId: string): Promise<DeliveryContext | null> {
		const [row] = await this.sql<
			{
				personName: string;
				email: string;
				orgName: string;
				kind: ChannelKind;
				channelName: string;
				partner: string | null;
			}[]
		>`
			select u.name as "personName", u.email, o.name as "orgName", c.kind,
				c.name as "channelName",
				(select p.name from channel_members cm join users p on p.id = cm.user_id
					where cm.channel_id = c.id and cm.user_id <> u.id order by p.name limit 1) as partner
			from users u
			join organizations o on o.id = u.org_id
			join channels c on c.id = ${channelId} and c.org_id = u.org_id
			where u.id = ${userId}`;
		if (!row) return null;
		return {
			person: { id: userId, name: row.personName, email: row.email },
			org: { name: row.orgName },
			conversation: {
				id: channelId,
				kind: row.kind,
				name: row.kind === 'dm' ? (row.partner ?? row.channelName) : row.channelName
			}
		};
	}

	/** A notification as a push shows it, or null if it is gone. */
	async forPush(notificationId: string): Promise<PushedNotification | null> {
		const [row] = await this.sql<PushedNotification[]>`
			select n.channel_id as "channelId", n.message_id as "messageId", u.name as "actorName",
				c.name as "channelName", c.kind as "channelKind", n.snippet, n.reason
			from notifications n
			join channels c on c.id = n.channel_id
			left join users u on u.id = n.actor_id
			where n.id = ${notificationId}`;
		return row ?? null;
	}

	/** The conversations of some of a person's notifications (to close their pushes). */
	async channelsOf(userId: string, notificationIds: string[]): Promise<string[]> {
		if (notificationIds.length === 0) return [];
		const rows = await this.sql<{ channelId: string }[]>`
			select distinct channel_id as "channelId" from notifications
			where user_id = ${userId} and id in ${this.sql(notificationIds)}`;
		return rows.map((row) => row.channelId);
	}
}
