import type { Sql } from '../db/database.ts';
import type { ChannelKind, PostPolicy } from '#shared/policy.ts';

export interface ChannelRow {
	id: string;
	orgId: string;
	kind: ChannelKind;
	name: string;
	topic: string;
	departmentId: string | null;
	teamId: string | null;
	postPolicy: PostPolicy;
	startsAt: Date | null;
	endsAt: Date | null;
	archivedAt: Date | null;
	dmKey: string | null;
	headShard: number;
	createdBy: string | null;
	createdAt: Date;
}

const columns = (sql: Sql) =>
	sql`c.id, c.org_id as "orgId", c.kind, c.name, c.topic, c.department_id as "departmentId",
		c.team_id as "teamId", c.post_policy as "postPolicy", c.starts_at as "startsAt",
		c.ends_at as "endsAt", c.archived_at as "archivedAt", c.dm_key as "dmKey",
		c.head_shard as "headShard", c.created_by as "createdBy", c.created_at as "createdAt"`;

export interface NewChannel {
	orgId: string;
	kind: ChannelKind;
	name: string;
	topic?: string;
	departmentId?: string | null;
	teamId?: string | null;
	postPolicy?: PostPolicy;
	startsAt?: Date | null;
	endsAt?: Date | null;
	dmKey?: string | null;
	createdBy?: string | null;
}

export class ChannelRepository {
	readonly sql: Sql;
	constructor(sql: Sql) {
		this.sql = sql;
	}

	async insert(channel: NewChannel, tx: Sql = this.sql): Promise<ChannelRow> {
		const [row] = await tx<{ id: string }[]>`
			insert into channels (org_id, kind, name, topic, department_id, team_id, post_policy,
				starts_at, ends_at, dm_key, created_by)
			values (${channel.orgId}, ${channel.kind}, ${channel.name}, ${channel.topic ?? ''},
				${channel.departmentId ?? null}, ${channel.teamId ?? null},
				${channel.postPolicy ?? 'members'}, ${channel.startsAt ?? null}, ${channel.endsAt ?? null},
				${channel.dmKey ?? null}, ${channel.createdBy ?? null})
			returning id`;
		return (await this.find(row!.id, tx))!;
	}

	async find(id: string, tx: Sql = this.sql): Promise<ChannelRow | null> {
		const [row] = await tx<ChannelRow[]>`select ${columns(tx)} from channels c where c.id = ${id}`;
		return row ?? null;
	}

	async findByTeam(teamId: string, tx: Sql = this.sql) {
		const [row] = await tx<ChannelRow[]>`
			select ${columns(tx)} from channels c where c.kind = 'team' and c.team_id = ${teamId}`;
		return row ?? null;
	}

	async findByDepartment(departmentId: string, tx: Sql = this.sql) {
		const [row] = await tx<ChannelRow[]>`
			select ${columns(tx)} from channels c
			where c.kind = 'department' and c.department_id = ${departmentId}`;
		return row ?? null;
	}

	async findDm(orgId: string, dmKey: string, tx: Sql = this.sql) {
		const [row] = await tx<ChannelRow[]>`
			select ${columns(tx)} from channels c
			where c.kind = 'dm' and c.org_id = ${orgId} and c.dm_key = ${dmKey}`;
		return row ?? null;
	}

	/** Every channel the person could possibly see: the access check narrows it further. */
	async candidatesFor(user: {
		id: string;
		orgId: string;
		departmentId: string | null;
		teamId: string | null;
	}): Promise<(ChannelRow & { explicitMember: boolean })[]> {
		return this.sql<(ChannelRow & { explicitMember: boolean })[]>`
			select ${columns(this.sql)}, (m.user_id is not null) as "explicitMember"
			from channels c
			left join channel_members m on m.channel_id = c.id and m.user_id = ${user.id}
			where c.org_id = ${user.orgId}
				and (c.kind in ('announcements', 'department', 'team') or m.user_id is not null)
			order by c.kind, lower(c.name)`;
	}

	async update(
		id: string,
		change: Partial<
			Pick<ChannelRow, 'name' | 'topic' | 'postPolicy' | 'departmentId' | 'archivedAt' | 'endsAt'>
		>,
		tx: Sql = this.sql
	): Promise<ChannelRow> {
		const values = {
			name: change.name,
			topic: change.topic,
			post_policy: change.postPolicy,
			department_id: change.departmentId,
			archived_at: change.archivedAt,
			ends_at: change.endsAt
		};
		const present = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
		// archived_at may be set back to null (restore), which the filter above keeps.
		if (Object.keys(present).length > 0) {
			await tx`update channels set ${tx(present, ...Object.keys(present))} where id = ${id}`;
		}
		return (await this.find(id, tx))!;
	}

	async setHeadShard(id: string, shard: number, tx: Sql = this.sql): Promise<number> {
		const [row] = await tx<{ headShard: number }[]>`
			update channels set head_shard = greatest(head_shard, ${shard}) where id = ${id}
			returning head_shard as "headShard"`;
		return row!.headShard;
	}

	async isExplicitMember(channelId: string, userId: string, tx: Sql = this.sql) {
		const rows =
			await tx`select 1 from channel_members where channel_id = ${channelId} and user_id = ${userId}`;
		return rows.length > 0;
	}

	async addMembers(
		channelId: string,
		userIds: string[],
		addedBy: string | null,
		tx: Sql = this.sql
	) {
		if (userIds.length === 0) return;
		const rows = userIds.map((userId) => ({
			channel_id: channelId,
			user_id: userId,
			added_by: addedBy
		}));
		await tx`insert into channel_members ${tx(rows, 'channel_id', 'user_id', 'added_by')} on conflict do nothing`;
	}

	async removeMember(channelId: string, userId: string, tx: Sql = this.sql) {
		const result =
			await tx`delete from channel_members where channel_id = ${channelId} and user_id = ${userId}`;
		return result.count > 0;
	}

	/** People who belong to the channel, by invitation or by the org structure. */
	async members(channel: ChannelRow): Promise<MemberRow[]> {
		const sql = this.sql;
		const filter =
			channel.kind === 'announcements'
				? sql`u.org_id = ${channel.orgId}`
				: channel.kind === 'department'
					? sql`u.department_id = ${channel.departmentId}`
					: channel.kind === 'team'
						? sql`u.team_id = ${channel.teamId}`
						: sql`u.id in (select user_id from channel_members where channel_id = ${channel.id})`;
		return sql<MemberRow[]>`
			select u.id, u.name, u.title, u.role, u.email, u.department_id as "departmentId",
				u.team_id as "teamId"
			from users u where u.status = 'active' and ${filter}
			order by lower(u.name)`;
	}
}

export interface MemberRow {
	id: string;
	name: string;
	title: string;
	role: string;
	email: string;
	departmentId: string | null;
	teamId: string | null;
}
