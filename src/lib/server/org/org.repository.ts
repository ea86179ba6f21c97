import type { Sql } from '../db/database.ts';

export interface OrganizationRow {
	id: string;
	name: string;
	joinCode: string;
	joinCodeEnabled: boolean;
	requireApproval: boolean;
	createdAt: Date;
}

export interface DepartmentRow {
	id: string;
	orgId: string;
	name: string;
	archivedAt: Date | null;
	createdAt: Date;
}

export interface TeamRow {
	id: string;
	orgId: string;
	departmentId: string;
	name: string;
	archivedAt: Date | null;
	createdAt: Date;
}

const organizationColumns = (sql: Sql) =>
	sql`id, name, join_code as "joinCode", join_code_enabled as "joinCodeEnabled",
		require_approval as "requireApproval", created_at as "createdAt"`;
const departmentColumns = (sql: Sql) =>
	sql`id, org_id as "orgId", name, archived_at as "archivedAt", created_at as "createdAt"`;
const teamColumns = (sql: Sql) =>
	sql`id, org_id as "orgId", department_id as "departmentId", name, archived_at as "archivedAt",
		created_at as "createdAt"`;

/** All I/O for organizations, departments and teams. Methods take an optional transaction. */
export class OrgRepository {
	readonly sql: Sql;
	constructor(sql: Sql) {
		this.sql = sql;
	}

	async insertOrganization(name: string, joinCode: string, tx: Sql = this.sql) {
		const [row] = await tx<OrganizationRow[]>`
			insert into organizations (name, join_code) values (${name}, ${joinCode})
			returning ${organizationColumns(tx)}`;
		return row!;
	}

	async findOrganization(id: string, tx: Sql = this.sql) {
		const [row] = await tx<OrganizationRow[]>`
			select ${organizationColumns(tx)} from organizations where id = ${id}`;
		return row ?? null;
	}

	/** `compactCode` as compactJoinCode makes it; the index organizations_join_code_compact. */
	async findOrganizationByJoinCode(compactCode: string, tx: Sql = this.sql) {
		const [row] = await tx<OrganizationRow[]>`
			select ${organizationColumns(tx)} from organizations
			where replace(join_code, '-', '') = ${compactCode}`;
		return row ?? null;
	}

	async updateJoinCode(
		id: string,
		change: { joinCode?: string; joinCodeEnabled?: boolean; requireApproval?: boolean },
		tx: Sql = this.sql
	) {
		const [row] = await tx<OrganizationRow[]>`
			update organizations set
				join_code = coalesce(${change.joinCode ?? null}, join_code),
				join_code_enabled = coalesce(${change.joinCodeEnabled ?? null}, join_code_enabled),
				require_approval = coalesce(${change.requireApproval ?? null}, require_approval)
			where id = ${id} returning ${organizationColumns(tx)}`;
		return row!;
	}

	async insertDepartment(orgId: string, name: string, tx: Sql = this.sql) {
		const [row] = await tx<DepartmentRow[]>`
			insert into departments (org_id, name) values (${orgId}, ${name})
			returning ${departmentColumns(tx)}`;
		return row!;
	}

	async findDepartment(id: string, tx: Sql = this.sql) {
		const [row] = await tx<DepartmentRow[]>`
			select ${departmentColumns(tx)} from departments where id = ${id}`;
		return row ?? null;
	}

	async listDepartments(orgId: string, tx: Sql = this.sql) {
		return tx<DepartmentRow[]>`
			select ${departmentColumns(tx)} from departments where org_id = ${orgId}
			order by archived_at nulls first, lower(name)`;
	}

	async updateDepartment(
		id: string,
		change: { name?: string; archivedAt?: Date | null },
		tx: Sql = this.sql
	) {
		const [row] = await tx<DepartmentRow[]>`
			update departments set
				name = coalesce(${change.name ?? null}, name),
				archived_at = ${change.archivedAt === undefined ? tx`archived_at` : change.archivedAt}
			where id = ${id} returning ${departmentColumns(tx)}`;
		return row!;
	}

	async insertTeam(orgId: string, departmentId: string, name: string, tx: Sql = this.sql) {
		const [row] = await tx<TeamRow[]>`
			insert into teams (org_id, department_id, name) values (${orgId}, ${departmentId}, ${name})
			returning ${teamColumns(tx)}`;
		return row!;
	}

	async findTeam(id: string, tx: Sql = this.sql) {
		const [row] = await tx<TeamRow[]>`select ${teamColumns(tx)} from teams where id = ${id}`;
		return row ?? null;
	}

	async listTeams(orgId: string, tx: Sql = this.sql) {
		return tx<TeamRow[]>`
			select ${teamColumns(tx)} from teams where org_id = ${orgId}
			order by archived_at nulls first, lower(name)`;
	}

	async updateTeam(
		id: string,
		change: { name?: string; departmentId?: string; archivedAt?: Date | null },
		tx: Sql = this.sql
	) {
		const [row] = await tx<TeamRow[]>`
			update teams set
				name = coalesce(${change.name ?? null}, name),
				department_id = coalesce(${change.departmentId ?? null}, department_id),
				archived_at = ${change.archivedAt === undefined ? tx`archived_at` : change.archivedAt}
			where id = ${id} returning ${teamColumns(tx)}`;
		return row!;
	}

	/** People of a team follow it when it moves to another department. */
	async moveTeamMembers(teamId: string, departmentId: string, tx: Sql = this.sql) {
		await tx`update users set department_id = ${departmentId}, updated_at = now() where team_id = ${teamId}`;
	}

	async countActiveTeams(departmentId: string, tx: Sql = this.sql) {
		const [row] = await tx<{ count: number }[]>`
			select count(*)::int as count from teams
			where department_id = ${departmentId} and archived_at is null`;
		return row!.count;
	}
}
