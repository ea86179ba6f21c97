import type { Sql } from '../db/database.ts';
import { AppError, forbidden, notFound } from '../errors.ts';
import { DomainServiceWith } from '../domain-service.ts';
import type { PeopleRepository } from '../people/people.repository.ts';
import type { FeedService } from '../feed/feed.service.ts';
import type { NotificationService } from '../notifications/notification.service.ts';
import type { StoredNotification } from '../notifications/notification.repository.ts';
import {
	channelAccess,
	channelPolicy,
	type Actor,
	type ChannelAccess,
	type ChannelRef
} from '#shared/policy.ts';
import type { ChannelRepository, ChannelRow, MemberRow } from './channel.repository.ts';
import type {
	AddMembersInput,
	ChannelDetail,
	ChannelMember,
	ChannelSummary,
	CreateChannelInput,
	OpenDmInput,
	UpdateChannelInput
} from '#shared/api/channels.schema.ts';

/** What the policy reads of a channel, from a row of it (whole, or as the feed reads it). */
export function toChannelRef(
	row: Pick<
		ChannelRow,
		| 'id'
		| 'orgId'
		| 'kind'
		| 'departmentId'
		| 'teamId'
		| 'postPolicy'
		| 'archivedAt'
		| 'endsAt'
		| 'createdBy'
	>
): ChannelRef {
	return {
		id: row.id,
		orgId: row.orgId,
		kind: row.kind,
		departmentId: row.departmentId,
		teamId: row.teamId,
		postPolicy: row.postPolicy,
		archived: row.archivedAt !== null,
		endsAt: row.endsAt ? row.endsAt.getTime() : null,
		createdBy: row.createdBy
	};
}

/** A channel with nothing unread (no row in the count). */
const NONE_UNREAD = { unread: 0, mentions: 0 };

const toMember = (row: MemberRow): ChannelMember => ({
	id: row.id,
	name: row.name,
	title: row.title,
	role: row.role,
	teamId: row.teamId
});

/** Channels of every kind: who sees them, who may do what in them, and their settings. */
export class ChannelService extends DomainServiceWith<{
	channels: ChannelRepository;
	people: PeopleRepository;
	feed: FeedService;
	notifications: NotificationService;
}>() {
	/**
	 * Moves a conversation's head to shard `next` (never back) once the current one is full;
	 * resolves to the head shard now stored. Called by the collaboration server, which has
	 * checked the writer's access already.
	 */
	advanceHeadShard(channelId: string, next: number): Promise<number> {
		return this.channels.setHeadShard(channelId, next);
	}

	/** The channel and what the person may do there; not found when they may not read it. */
	async access(
		actor: Actor,
		channelId: string
	): Promise<{ channel: ChannelRow; access: ChannelAccess }> {
		const channel = await this.channels.find(channelId);
		if (!channel || channel.orgId !== actor.orgId) throw notFound('That channel');
		const explicit = await this.channels.isExplicitMember(channelId, actor.id);
		const access = channelAccess(actor, toChannelRef(channel), explicit);
		// Private groups and others' conversations do not exist for outsiders.
		if (!access.read) throw notFound('That channel');
		return { channel, access };
	}

	async list(actor: Actor): Promise<ChannelSummary[]> {
		const candidates = await this.channels.candidatesFor(actor);
		const visible = candidates
			.map((row) => ({ row, access: channelAccess(actor, toChannelRef(row), row.explicitMember) }))
			.filter(({ access }) => access.read);
		const unread = await this.unreadCounts(
			actor,
			visible.map(({ row }) => row.id)
		);
		const dmPartners = await this.dmPartners(
			actor.id,
			visible.filter(({ row }) => row.kind === 'dm').map(({ row }) => row.id)
		);
		return visible.map(({ row, access }) => ({
			...this.summary(row, access),
			...(unread.get(row.id) ?? NONE_UNREAD),
			partners: dmPartners.get(row.id) ?? []
		}));
	}

	async detail(actor: Actor, channelId: string): Promise<ChannelDetail> {
		const { channel, access } = await this.access(actor, channelId);
		const members = (await this.channels.members(channel)).map(toMember);
		const unread = await this.unreadCounts(actor, [channel.id]);
		return {
			...this.summary(channel, access),
			...(unread.get(channel.id) ?? NONE_UNREAD),
			partners: channel.kind === 'dm' ? members.filter((m) => m.id !== actor.id) : [],
			members
		};
	}

	async create(actor: Actor, input: CreateChannelInput): Promise<ChannelDetail> {
		const allowed =
			input.kind === 'project'
				? channelPolicy.createProjectRoom(actor)
				: channelPolicy.createPrivateGroup(actor);
		if (!allowed) {
			throw forbidden(
				input.kind === 'project'
					? 'Team Managers and above create project rooms.'
					: 'You may not create private groups.'
			);
		}
		const memberIds = await this.requireColleagues(actor, [
			...new Set([actor.id, ...input.memberIds])
		]);
		let notified: string[] = [];
		let invitations: StoredNotification[] = [];
		const channel = await this.database.sql.begin(async (tx) => {
			const sql = tx as unknown as Sql;
			const row = await this.channels.insert(
				{
					orgId: actor.orgId,
					kind: input.kind,
					name: input.name,
					topic: input.topic,
					startsAt: input.startsAt ? new Date(input.startsAt) : null,
					endsAt: input.endsAt ? new Date(input.endsAt) : null,
					createdBy: actor.id
				},
				sql
			);
			await this.channels.addMembers(row.id, memberIds, actor.id, sql);
			await this.record(sql, actor, 'channel.create', row.id, undefined, {
				name: row.name,
				kind: row.kind,
				memberIds
			});
			notified = await this.feed.conversationAdded(sql, row.id, memberIds);
			invitations = await this.notifications.invited(sql, row, actor.id, memberIds);
			return row;
		});
		this.feed.notify(notified);
		this.notifications.announce(invitations);
		return this.detail(actor, channel.id);
	}

	/** Starting a conversation with the same people again reopens the existing one. */
	async openDm(actor: Actor, input: OpenDmInput): Promise<ChannelDetail> {
		if (!channelPolicy.startDirectMessage(actor)) throw forbidden();
		const memberIds = await this.requireColleagues(actor, [
			...new Set([actor.id, ...input.memberIds])
		]);
		if (memberIds.length < 2) {
			throw new AppError('VALIDATION_FAILED', 'Choose at least one other person.');
		}
		const dmKey = [...memberIds].sort().join(',');
		const existing = await this.channels.findDm(actor.orgId, dmKey);
		if (existing) return this.detail(actor, existing.id);
		let notified: string[] = [];
		const channel = await this.database.sql.begin(async (tx) => {
			const sql = tx as unknown as Sql;
			const found = await this.channels.findDm(actor.orgId, dmKey, sql);
			if (found) return found;
			const row = await this.channels.insert(
				{ orgId: actor.orgId, kind: 'dm', name: 'Direct message', dmKey, createdBy: actor.id },
				sql
			);
			await this.channels.addMembers(row.id, memberIds, actor.id, sql);
			notified = await this.feed.conversationAdded(sql, row.id, memberIds);
			return row;
		});
		this.feed.notify(notified);
		return this.detail(actor, channel.id);
	}

	async update(actor: Actor, channelId: string, input: UpdateChannelInput): Promise<ChannelDetail> {
		const { channel, access } = await this.access(actor, channelId);
		if (!access.manage) throw forbidden('You may not change this channel’s settings.');
		if (
			input.name !== undefined &&
			['department', 'team', 'announcements'].includes(channel.kind)
		) {
			throw new AppError('CONFLICT', 'This channel is named after its place in the organization.');
		}
		if (input.postPolicy !== undefined && channel.kind === 'announcements') {
			throw new AppError('CONFLICT', 'Only Super Admins and Department Heads post announcements.');
		}
		const notified = await this.database.sql.begin(async (tx) => {
			const sql = tx as unknown as Sql;
			const after = await this.channels.update(channelId, input, sql);
			await this.record(sql, actor, 'channel.update', channelId, pick(channel), pick(after));
			return this.feed.conversationChanged(sql, channel, after);
		});
		this.events.emit('channel.changed', { orgId: actor.orgId, channelId });
		this.feed.notify(notified);
		return this.detail(actor, channelId);
	}

	async addMembers(
		actor: Actor,
		channelId: string,
		input: AddMembersInput
	): Promise<ChannelDetail> {
		const { channel, access } = await this.requireInvitationChannel(actor, channelId);
		if (!access.manage) throw forbidden('You may not add members to this channel.');
		const userIds = await this.requireColleagues(actor, input.userIds);
		let invitations: StoredNotification[] = [];
		const notified = await this.database.sql.begin(async (tx) => {
			const sql = tx as unknown as Sql;
			await this.channels.addMembers(channel.id, userIds, actor.id, sql);
			await this.record(sql, actor, 'channel.members.add', channel.id, undefined, { userIds });
			invitations = await this.notifications.invited(sql, channel, actor.id, userIds);
			return this.feed.conversationAdded(sql, channel.id, userIds);
		});
		this.events.emit('channel.changed', { orgId: actor.orgId, channelId });
		this.feed.notify(notified);
		this.notifications.announce(invitations);
		return this.detail(actor, channelId);
	}

	/** Managers remove anyone; everyone may leave a room themselves. */
	async removeMember(actor: Actor, channelId: string, userId: string): Promise<void> {
		const { channel, access } = await this.requireInvitationChannel(actor, channelId);
		if (!access.manage && userId !== actor.id) {
			throw forbidden('You may not remove members from this channel.');
		}
		const notified = await this.database.sql.begin(async (tx) => {
			const sql = tx as unknown as Sql;
			const removed = await this.channels.removeMember(channel.id, userId, sql);
			if (!removed) throw notFound('That member');
			await this.record(sql, actor, 'channel.members.remove', channel.id, { userId }, undefined);
			const why = userId === actor.id ? 'left' : 'removed';
			return this.feed.conversationRemoved(sql, channel.id, [userId], why);
		});
		this.events.emit('channel.changed', { orgId: actor.orgId, channelId });
		this.feed.notify(notified);
	}

	private async requireInvitationChannel(actor: Actor, channelId: string) {
		const found = await this.access(actor, channelId);
		if (!['project', 'private'].includes(found.channel.kind)) {
			throw new AppError(
				'CONFLICT',
				found.channel.kind === 'dm'
					? 'Start a new conversation to talk with other people.'
					: 'Members of this channel follow the organization structure.'
			);
		}
		return found;
	}

	/** Only active people of the actor's own organization can be added. */
	private async requireColleagues(actor: Actor, ids: string[]): Promise<string[]> {
		const unique = [...new Set(ids)];
		const rows = await this.database.sql<{ id: string }[]>`
			select id from users where org_id = ${actor.orgId} and status = 'active' and id in ${this.database.sql(unique)}`;
		if (rows.length !== unique.length) throw notFound('One of those people');
		return unique;
	}

	private summary(
		row: ChannelRow,
		access: ChannelAccess
	): Omit<ChannelSummary, 'unread' | 'mentions' | 'partners'> {
		return {
			id: row.id,
			kind: row.kind,
			name: row.name,
			topic: row.topic,
			postPolicy: row.postPolicy,
			headShard: row.headShard,
			archived: row.archivedAt !== null,
			startsAt: row.startsAt?.toISOString() ?? null,
			endsAt: row.endsAt?.toISOString() ?? null,
			teamId: row.teamId,
			departmentId: row.departmentId,
			access
		};
	}

	/**
	 * Unread top-level messages of others after the person's read mark, and how many of them
	 * mention the person: by name, `@channel`, or `@team` when the person is in the team it
	 * names. `@team` names the channel's team, or in a channel of no team of its own (a
	 * department's) the author's team, as the client counts it (unread-count.ts).
	 */
	private async unreadCounts(
		actor: Pick<Actor, 'id' | 'teamId'>,
		channelIds: string[]
	): Promise<Map<string, { unread: number; mentions: number }>> {
		if (channelIds.length === 0) return new Map();
		const sql = this.database.sql;
		const teamMention =
			actor.teamId === null
				? sql`false`
				: sql`(m.mentions @> '["team"]'::jsonb
					and coalesce(c.team_id, a.team_id) = ${actor.teamId})`;
		const rows = await sql<{ channelId: string; unread: number; mentions: number }[]>`
			select m.channel_id as "channelId", count(*)::int as unread,
				(count(*) filter (where m.mentions @> ${sql.json([actor.id])}
					or m.mentions @> '["channel"]'::jsonb or ${teamMention}))::int as mentions
			from messages m
			join channels c on c.id = m.channel_id
			left join users a on a.id = m.author_id
			left join channel_reads r on r.channel_id = m.channel_id and r.user_id = ${actor.id}
			left join messages rm on rm.id = r.last_read_message_id
			where m.channel_id in ${sql(channelIds)} and m.author_id <> ${actor.id}
				and m.deleted_at is null and m.thread_id is null
				-- After the message read, in the order everyone sees (accepted, written, id):
				-- messages accepted in the same millisecond are told apart as the list does.
				and (r.last_read_at is null or m.accepted_at > r.last_read_at
					or (m.accepted_at = r.last_read_at and rm.id is not null
						and (m.created_at, m.id) > (rm.created_at, rm.id)))
			group by m.channel_id`;
		return new Map(
			rows.map((row) => [row.channelId, { unread: row.unread, mentions: row.mentions }])
		);
	}

	private async dmPartners(
		userId: string,
		channelIds: string[]
	): Promise<Map<string, ChannelMember[]>> {
		if (channelIds.length === 0) return new Map();
		const sql = this.database.sql;
		const rows = await sql<(MemberRow & { channelId: string })[]>`
			select m.channel_id as "channelId", u.id, u.name, u.title, u.role, u.email,
				u.department_id as "departmentId", u.team_id as "teamId"
			from channel_members m join users u on u.id = m.user_id
			where m.channel_id in ${sql(channelIds)} and m.user_id <> ${userId}
			order by lower(u.name)`;
		const partners = new Map<string, ChannelMember[]>();
		for (const row of rows) {
			const list = partners.get(row.channelId) ?? [];
			list.push(toMember(row));
			partners.set(row.channelId, list);
		}
		return partners;
	}

	private record(
		sql: Sql,
		actor: Actor,
		action: string,
		channelId: string,
		before: unknown,
		after: unknown
	) {
		return this.audited(sql, actor, {
			action,
			targetType: 'channel',
			targetId: channelId,
			before,
			after
		});
	}
}

function pick(row: ChannelRow) {
	return { name: row.name, topic: row.topic, postPolicy: row.postPolicy };
}
