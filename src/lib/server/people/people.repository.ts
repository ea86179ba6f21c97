import type { Sql } from '../db/database.ts';
import type { Role, UserStatus } from '#shared/roles.ts';

export interface PersonRow {
	id: string;
	orgId: string;
	email: string;
	name: string;
	title: string;
	role: Role;
	status: UserStatus;
	departmentId: string | null;
	teamId: string | null;
	createdAt: Date;
}

export interface DirectoryRow extends PersonRow {
	departmentName: string | null;
	teamName: string | null;
}

const personColumns = (sql: Sql) =>
	sql`u.id, u.org_id as "orgId", u.email, u.name, u.title, u.role, u.status,
		u.department_id as "departmentId", u.team_id as "teamId", u.created_at as "createdAt"`;

export class PeopleRepository {
	readonly sql: Sql;
	constructor(sql: Sql) {
		this.sql = sql;
	}

	async insert(
		person: {
			orgId: string;
			email: string;
			name: string;
			title: string;
			passwordHash: string;
			role: Role;
			status: UserStatus;
		},
		tx: Sql = this.sql
	): Promise<PersonRow> {
		const [row] = await tx<PersonRow[]>`
			insert into users as u (org_id, email, name, title, password_hash, role, status)
			values (${person.orgId}, ${person.email}, ${person.name}, ${person.title},
				${person.passwordHash}, ${person.role}, ${person.status})
			returning ${personColumns(tx)}`;
		return row!;
	}

	async emailExists(email: string, tx: Sql = this.sql): Promise<boolean> {
		const rows = await tx`select 1 from users where lower(email) = lower(${email})`;
		return rows.length > 0;
	}

	async findCredentials(email: string) {
		const [row] = await this.sql<{ id: string; passwordHash: string; status: UserStatus }[]>`
			select id, password_hash as "passwordHash", status from users
			where lower(email) = lower(${email})`;
		return row ?? null;
	}

	async find(id: string, tx: Sql = this.sql): Promise<PersonRow | null> {
		const [row] = await tx<
			PersonRow[]
		>`select ${personColumns(tx)} from users u where u.id = ${id}`;
		return row ?? null;
	}

	/** One person with the names of their department and team, as the directory lists them. */
	async findListed(id: string): Promise<DirectoryRow | null> {
		const [row] = await this.sql<DirectoryRow[]>`
			select ${personColumns(this.sql)}, d.name as "departmentName", t.name as "teamName"
			from users u
			left join departments d on d.id = u.department_id
			left join teams t on t.id = u.team_id
			where u.id = ${id}`;
		return row ?? null;
	}

	/**
	 * Who may manage someone placed there: the active managers of the team and heads of the
	 * department, by name.
	 */
	async leadersOf(
		orgId: string,
		place: { departmentId: string | null; teamId: string | null }
	): Promise<DirectoryRow[]> {
		if (!place.departmentId && !place.teamId) return [];
		return this.sql<DirectoryRow[]>`
			select ${personColumns(this.sql)}, d.name as "departmentName", t.name as "teamName"
			from users u
			left join departments d on d.id = u.department_id
			left join teams t on t.id = u.team_id
			where u.org_id = ${orgId} and u.status = 'active'
				and ((u.role = 'team_manager' and u.team_id = ${place.teamId})
					or (u.role = 'department_head' and u.department_id = ${place.departmentId}))
			order by lower(u.name), u.id`;
	}

	async update(
		id: string,
		change: Partial<
			Pick<PersonRow, 'role' | 'status' | 'departmentId' | 'teamId' | 'title' | 'name'>
		>,
		tx: Sql = this.sql
	): Promise<PersonRow> {
		const columns = {
			role: change.role,
			status: change.status,
			department_id: change.departmentId,
			team_id: change.teamId,
			title: change.title,
			name: change.name
		};
		const present = Object.fromEntries(
			Object.entries(columns).filter(([, value]) => value !== undefined)
		);
		// No table alias here: postgres.js picks its helper by the last keyword before it ("as").
		await tx`update users set ${tx(present, ...Object.keys(present))}, updated_at = now() where id = ${id}`;
		const row = await this.find(id, tx);
		return row!;
	}

	/** The directory: everyone in the organization, filtered by a free-text query. */
	async search(
		orgId: string,
		options: { query?: string; includeInactive?: boolean; limit: number; offset: number }
	): Promise<{ rows: DirectoryRow[]; total: number }> {
		const pattern = options.query ? `%${escapeLike(options.query.toLowerCase())}%` : null;
		const filter = this.sql`
			u.org_id = ${orgId}
			${options.includeInactive ? this.sql`` : this.sql`and u.status = 'active'`}
			${
				pattern
					? this.sql`and (lower(u.name) like ${pattern} or lower(u.title) like ${pattern}
						or lower(u.email) like ${pattern} or lower(coalesce(d.name, '')) like ${pattern}
						or lower(coalesce(t.name, '')) like ${pattern}
						or replace(u.role, '_', ' ') like ${pattern})`
					: this.sql``
			}`;
		const rows = await this.sql<DirectoryRow[]>`
			select ${personColumns(this.sql)}, d.name as "departmentName", t.name as "teamName"
			from users u
			left join departments d on d.id = u.department_id
			left join teams t on t.id = u.team_id
			where ${filter}
			order by lower(u.name), u.id
			limit ${options.limit} offset ${options.offset}`;
		const [count] = await this.sql<{ total: number }[]>`
			select count(*)::int as total from users u
			left join departments d on d.id = u.department_id
			left join teams t on t.id = u.team_id
			where ${filter}`;
		return { rows: [...rows], total: count!.total };
	}

	async listOrganization(orgId: string): Promise<PersonRow[]> {
		return this.sql<PersonRow[]>`
			select ${personColumns(this.sql)} from users u
			where u.org_id = ${orgId} order by lower(u.name)`;
	}
}

function escapeLike(text: string): string {
	return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}
