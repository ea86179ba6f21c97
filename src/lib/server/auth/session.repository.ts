import type { Sql } from '../db/database.ts';
import type { Role, UserStatus } from '#shared/roles.ts';
import type { SessionUser } from '#shared/api/auth.schema.ts';

export interface SessionRow {
	id: string;
	userId: string;
	expiresAt: Date;
	createdAt: Date;
	lastSeenAt: Date;
	userAgent: string;
	ip: string;
}

export interface SessionWithUserRow extends SessionRow {
	user: SessionUser;
}

export class SessionRepository {
	readonly sql: Sql;
	constructor(sql: Sql) {
		this.sql = sql;
	}

	async insert(session: Omit<SessionRow, 'createdAt' | 'lastSeenAt'>): Promise<void> {
		await this.sql`
			insert into sessions (id, user_id, expires_at, user_agent, ip)
			values (${session.id}, ${session.userId}, ${session.expiresAt}, ${session.userAgent}, ${session.ip})`;
	}

	async findWithUser(id: string): Promise<SessionWithUserRow | null> {
		const rows = await this.sql<Record<string, unknown>[]>`
			select s.id, s.user_id, s.expires_at, s.created_at, s.last_seen_at, s.user_agent, s.ip,
				u.org_id, o.name as org_name, u.email, u.name, u.title, u.role, u.status,
				u.department_id, u.team_id
			from sessions s
			join users u on u.id = s.user_id
			join organizations o on o.id = u.org_id
			where s.id = ${id}`;
		const row = rows[0];
		if (!row) return null;
		return {
			...toSession(row),
			user: {
				id: row.user_id as string,
				orgId: row.org_id as string,
				orgName: row.org_name as string,
				email: row.email as string,
				name: row.name as string,
				title: row.title as string,
				role: row.role as Role,
				status: row.status as UserStatus,
				departmentId: row.department_id as string | null,
				teamId: row.team_id as string | null
			}
		};
	}

	async touch(id: string, lastSeenAt: Date, expiresAt: Date): Promise<void> {
		await this
			.sql`update sessions set last_seen_at = ${lastSeenAt}, expires_at = ${expiresAt} where id = ${id}`;
	}

	async listForUser(userId: string): Promise<SessionRow[]> {
		const rows = await this.sql<Record<string, unknown>[]>`
			select id, user_id, expires_at, created_at, last_seen_at, user_agent, ip
			from sessions where user_id = ${userId} and expires_at > now()
			order by last_seen_at desc`;
		return rows.map(toSession);
	}

	async delete(id: string): Promise<void> {
		await this.sql`delete from sessions where id = ${id}`;
	}

	async deleteForUser(userId: string, id: string): Promise<boolean> {
		const result = await this.sql`delete from sessions where id = ${id} and user_id = ${userId}`;
		return result.count > 0;
	}

	async deleteAllForUser(userId: string, tx: Sql = this.sql): Promise<number> {
		const result = await tx`delete from sessions where user_id = ${userId}`;
		return result.count;
	}

	async deleteExpired(): Promise<number> {
		const result = await this.sql`delete from sessions where expires_at <= now()`;
		return result.count;
	}
}

function toSession(row: Record<string, unknown>): SessionRow {
	return {
		id: row.id as string,
		userId: row.user_id as string,
		expiresAt: row.expires_at as Date,
		createdAt: row.created_at as Date,
		lastSeenAt: row.last_seen_at as Date,
		userAgent: row.user_agent as string,
		ip: row.ip as string
	};
}
