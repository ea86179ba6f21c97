import type { Sql } from '../db/database.ts';

export interface BroadcastRow {
	id: string;
	orgId: string;
	senderId: string;
	senderName: string;
	departmentId: string | null;
	departmentName: string | null;
	title: string;
	body: string;
	renotifyMinutes: number | null;
	createdAt: Date;
}

export interface RecipientRow {
	userId: string;
	name: string;
	title: string;
	email: string;
	acknowledgedAt: Date | null;
	notices: number;
}

const columns = (sql: Sql) =>
	sql`b.id, b.org_id as "orgId", b.sender_id as "senderId", s.name as "senderName",
		b.department_id as "departmentId", d.name as "departmentName", b.title, b.body,
		b.renotify_minutes as "renotifyMinutes", b.created_at as "createdAt"`;

const joins = (sql: Sql) =>
	sql`join users s on s.id = b.sender_id left join departments d on d.id = b.department_id`;

export class BroadcastRepository {
	readonly sql: Sql;
	constructor(sql: Sql) {
		this.sql = sql;
	}

	/** The active people of the organization, or of one of its departments. */
	async audience(
		orgId: string,
		departmentId: string | null,
		tx: Sql = this.sql
	): Promise<string[]> {
		const rows = await tx<{ id: string }[]>`
			select id from users
			where org_id = ${orgId} and status = 'active'
				and (${departmentId}::uuid is null or department_id = ${departmentId}::uuid)
			order by id`;
		return rows.map((row) => row.id);
	}

	async insert(
		broadcast: {
			id: string;
			orgId: string;
			senderId: string;
			departmentId: string | null;
			title: string;
			body: string;
			renotifyMinutes: number | null;
		},
		recipients: string[],
		tx: Sql
	): Promise<void> {
		await tx`
			insert into broadcasts (id, org_id, sender_id, department_id, title, body, renotify_minutes)
			values (${broadcast.id}, ${broadcast.orgId}, ${broadcast.senderId}, ${broadcast.departmentId},
				${broadcast.title}, ${broadcast.body}, ${broadcast.renotifyMinutes})`;
		if (recipients.length === 0) return;
		await tx`
			insert into broadcast_recipients (broadcast_id, user_id)
			select ${broadcast.id}, unnest(${recipients}::uuid[])`;
	}

	async find(id: string, tx: Sql = this.sql): Promise<BroadcastRow | null> {
		const [row] = await tx<BroadcastRow[]>`
			select ${columns(tx)} from broadcasts b ${joins(tx)} where b.id = ${id}`;
		return row ?? null;
	}

	/** What the person received and has not acknowledged, oldest first. */
	async pendingFor(userId: string): Promise<BroadcastRow[]> {
		const sql = this.sql;
		return sql<BroadcastRow[]>`
			select ${columns(sql)} from broadcast_recipients r
			join broadcasts b on b.id = r.broadcast_id ${joins(sql)}
			where r.user_id = ${userId} and r.acknowledged_at is null
			order by b.created_at`;
	}

	/** The organization's broadcasts, newest first; `senderId` set: only theirs. */
	async ofOrg(orgId: string, senderId: string | null): Promise<BroadcastRow[]> {
		const sql = this.sql;
		return sql<BroadcastRow[]>`
			select ${columns(sql)} from broadcasts b ${joins(sql)}
			where b.org_id = ${orgId} and (${senderId}::uuid is null or b.sender_id = ${senderId}::uuid)
			order by b.created_at desc limit 100`;
	}

	/**
	 * Marks the person's acknowledgement, once: the first moment stays. Null when they are not a
	 * recipient of this broadcast.
	 */
	async acknowledge(broadcastId: string, userId: string, tx: Sql): Promise<Date | null> {
		const [row] = await tx<{ acknowledgedAt: Date }[]>`
			update broadcast_recipients set acknowledged_at = coalesce(acknowledged_at, now())
			where broadcast_id = ${broadcastId} and user_id = ${userId}
			returning acknowledged_at as "acknowledgedAt"`;
		return row?.acknowledgedAt ?? null;
	}

	async recipients(broadcastId: string, tx: Sql = this.sql): Promise<RecipientRow[]> {
		return tx<RecipientRow[]>`
			select r.user_id as "userId", u.name, u.title, u.email,
				r.acknowledged_at as "acknowledgedAt", r.notices
			from broadcast_recipients r join users u on u.id = r.user_id
			where r.broadcast_id = ${broadcastId}
			order by r.acknowledged_at is not null, r.acknowledged_at, lower(u.name), u.id`;
	}

	async counts(broadcastId: string, tx: Sql = this.sql) {
		const [row] = await tx<{ total: number; acknowledged: number }[]>`
			select count(*)::int as total, count(acknowledged_at)::int as acknowledged
			from broadcast_recipients where broadcast_id = ${broadcastId}`;
		return row ?? { total: 0, acknowledged: 0 };
	}

	/**
	 * Those who have not acknowledged and were told fewer than `maxNotices` times: counted as
	 * told once more, and returned.
	 */
	async remind(broadcastId: string, maxNotices: number, tx: Sql): Promise<string[]> {
		const rows = await tx<{ userId: string }[]>`
			update broadcast_recipients set notices = notices + 1, last_noticed_at = now()
			where broadcast_id = ${broadcastId} and acknowledged_at is null and notices < ${maxNotices}
			returning user_id as "userId"`;
		return rows.map((row) => row.userId);
	}

	/** Name and address of each person, for the emails. */
	async contacts(userIds: string[]): Promise<{ id: string; name: string; email: string }[]> {
		if (userIds.length === 0) return [];
		return this.sql<{ id: string; name: string; email: string }[]>`
			select id, name, email from users where id = any(${userIds}::uuid[]) and status = 'active'`;
	}

	async orgName(orgId: string): Promise<string> {
		const [row] = await this.sql<
			{ name: string }[]
		>`select name from organizations where id = ${orgId}`;
		return row?.name ?? 'your organization';
	}

	async departmentOf(orgId: string, departmentId: string): Promise<{ id: string } | null> {
		const [row] = await this.sql<{ id: string }[]>`
			select id from departments
			where id = ${departmentId} and org_id = ${orgId} and archived_at is null`;
		return row ?? null;
	}
}
