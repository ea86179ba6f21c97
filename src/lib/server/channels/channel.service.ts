import type { Database, Sql } from '../db/database.ts';
import { AppError, forbidden, notFound } from '../errors.ts';
import type { DomainEvents } from '../events.ts';
import type { AuditRepository } from '../audit/audit.repository.ts';
import type { PeopleRepository } from '../people/people.repository.ts';
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

export function toChannelRef(row: ChannelRow): ChannelRef {
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

const toMember = (row: MemberRow): ChannelMember => ({
	id: row.id,
	name: row.name,
	title: row.title,
	role: row.role,
	teamId: row.teamId
});

/** Channels of every kind: who sees them, who may do what in them, and their settings. */
export class ChannelService {
	readonly database: Database;
	readonly channels: ChannelRepository;
	readonly people: PeopleRepository;
	readonly audit: AuditRepository;
	readonly events: DomainEvents;

	constructor(deps: {
		database: Database;
		channels: ChannelRepository;
		people: PeopleRepository;
		audit: AuditRepository;
		events: DomainEvents;
	}) {
		this.database = deps.database;
		this.channels = deps.channels;
		this.people = deps.people;
		this.audit = deps.audit;
		this.events = deps.events;
	}

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
			actor.id,
			visible.map(({ row }) => row.id)
		);
		const dmPartners = await this.dmPartners(
			actor.id,
			visible.filter(({ row }) => row.kind === 'dm').map(({ row }) => row.id)
		);
		return visible.map(({ row, access }) => ({
			...this.summary(row, access),
			unread: unread.get(row.id) ?? 0,
			partners: dmPartners.get(row.id) ?? []
		}));
	}

	async detail(actor: Actor, channelId: string): Promise<ChannelDetail> {
		const { channel, access } = await this.access(actor, channelId);
		const members = (await this.channels.members(channel)).map(toMember);
		const unread = await this.unreadCounts(actor.id, [channel.id]);
		return {
			...this.summary(channel, access),
			unread: unread.get(channel.id) ?? 0,
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
			return row;
		});
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
		const channel = await this.database.sql.begin(async (tx) => {
			const sql = tx as unknown as Sql;
			const found = await this.channels.findDm(actor.orgId, dmKey, sql);
			if (found) return found;
			const row = await this.channels.insert(
				{ orgId: actor.orgId, kind: 'dm', name: 'Direct message', dmKey, createdBy: actor.id },
				sql
			);
			await this.channels.addMembers(row.id, memberIds, actor.id, sql);
			return row;
		});
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
		await this.database.sql.begin(async (tx) => {
			const sql = tx as unknown as Sql;
			const after = await this.channels.update(channelId, input, sql);
			await this.record(sql, actor, 'channel.update', channelId, pick(channel), pick(after));
		});
		this.events.emit('channel.changed', { orgId: actor.orgId, channelId });
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
		await this.database.sql.begin(async (tx) => {
			const sql = tx as unknown as Sql;
			await this.channels.addMembers(channel.id, userIds, actor.id, sql);
			await this.record(sql, actor, 'channel.members.add', channel.id, undefined, { userIds });
		});
		this.events.emit('channel.changed', { orgId: actor.orgId, channelId });
		return this.detail(actor, channelId);
	}

	/** Managers remove anyone; everyone may leave a room themselves. */
	async removeMember(actor: Actor, channelId: string, userId: string): Promise<void> {
		const { channel, access } = await this.requireInvitationChannel(actor, channelId);
		if (!access.manage && userId !== actor.id) {
			throw forbidden('You may not remove members from this channel.');
		}
		await this.database.sql.begin(async (tx) => {
			const sql = tx as unknown as Sql;
			const removed = await this.channels.removeMember(channel.id, userId, sql);
			if (!removed) throw notFound('That member');
			await this.record(sql, actor, 'channel.members.remove', channel.id, { userId }, undefined);
		});
		this.events.emit('channel.changed', { orgId: actor.orgId, channelId });
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
	): Omit<ChannelSummary, 'unread' | 'partners'> {
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

	private async unreadCounts(userId: string, channelIds: string[]): Promise<Map<string, number>> {
		if (channelIds.length === 0) return new Map();
		const sql = this.database.sql;
		const rows = await sql<{ channelId: string; count: number }[]>`
			select m.channel_id as "channelId", count(*)::int as count
			from messages m
			left join channel_reads r on r.channel_id = m.channel_id and r.user_id = ${userId}
			where m.channel_id in ${sql(channelIds)} and m.author_id <> ${userId}
				and m.deleted_at is null and m.thread_id is null
				and (r.last_read_at is null or m.accepted_at > r.last_read_at)
			group by m.channel_id`;
		return new Map(rows.map((row) => [row.channelId, row.count]));
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
		return this.audit.record(
			{
				orgId: actor.orgId,
				actorId: actor.id,
				action,
				targetType: 'channel',
				targetId: channelId,
				before,
				after
			},
			sql
		);
	}
}

function pick(row: ChannelRow) {
	return { name: row.name, topic: row.topic, postPolicy: row.postPolicy };
}
