import type { Sql } from '../db/database.ts';
import { AppError, forbidden, notFound } from '../errors.ts';
import { DomainServiceWith } from '../domain-service.ts';
import { policy, type Actor } from '#shared/policy.ts';
import { generateJoinCode } from './join-code.ts';
import type { DepartmentRow, OrgRepository, TeamRow } from './org.repository.ts';
import type { ChannelRepository } from '../channels/channel.repository.ts';
import type { FeedService } from '../feed/feed.service.ts';
import type {
	CreateDepartmentInput,
	CreateTeamInput,
	Department,
	JoinCode,
	Team,
	UpdateDepartmentInput,
	UpdateJoinCodeInput,
	UpdateTeamInput
} from '#shared/api/org.schema.ts';

export const toDepartment = (row: DepartmentRow): Department => ({
	id: row.id,
	name: row.name,
	archived: row.archivedAt !== null,
	createdAt: row.createdAt.toISOString()
});

export const toTeam = (row: TeamRow): Team => ({
	id: row.id,
	departmentId: row.departmentId,
	name: row.name,
	archived: row.archivedAt !== null,
	createdAt: row.createdAt.toISOString()
});

/** Departments, teams and the join code: checks policy, changes, audits, in one transaction. */
export class OrgService extends DomainServiceWith<{
	org: OrgRepository;
	channels: ChannelRepository;
	feed: FeedService;
}>() {
	async listStructure(actor: Actor) {
		if (!policy.viewOrganization(actor, { id: actor.orgId })) throw forbidden();
		const [departments, teams] = await Promise.all([
			this.org.listDepartments(actor.orgId),
			this.org.listTeams(actor.orgId)
		]);
		return { departments: departments.map(toDepartment), teams: teams.map(toTeam) };
	}

	async createDepartment(actor: Actor, input: CreateDepartmentInput): Promise<Department> {
		if (!policy.createDepartment(actor, { id: actor.orgId })) {
			throw forbidden('Only Super Admins create departments.');
		}
		return this.change(actor, async (sql) => {
			const row = await this.org.insertDepartment(actor.orgId, input.name, sql);
			await this.created(sql, actor, 'department', row, { departmentId: row.id });
			return toDepartment(row);
		});
	}

	async updateDepartment(
		actor: Actor,
		id: string,
		input: UpdateDepartmentInput
	): Promise<Department> {
		const before = await this.requireDepartment(actor, id);
		if (input.name !== undefined && !policy.renameDepartment(actor, before)) {
			throw forbidden('You may not rename this department.');
		}
		if (input.archived !== undefined && !policy.archiveDepartment(actor, before)) {
			throw forbidden('Only Super Admins archive departments.');
		}
		return this.change(actor, async (sql) => {
			if (input.archived === true && (await this.org.countActiveTeams(id, sql)) > 0) {
				throw new AppError(
					'CONFLICT',
					'Archive or move this department’s teams before archiving the department.'
				);
			}
			const after = await this.org.updateDepartment(
				id,
				{ name: input.name, archivedAt: archiveChange(input.archived, before.archivedAt) },
				sql
			);
			const channel = await this.channels.findByDepartment(id, sql);
			if (channel) {
				await this.channels.update(
					channel.id,
					{ name: after.name, archivedAt: after.archivedAt },
					sql
				);
			}
			const action =
				input.archived === undefined
					? 'department.update'
					: archiveAction('department', input.archived);
			await this.record(sql, actor, action, 'department', id, before, after);
			return toDepartment(after);
		});
	}

	async createTeam(actor: Actor, input: CreateTeamInput): Promise<Team> {
		const department = await this.requireDepartment(actor, input.departmentId);
		if (!policy.createTeam(actor, department)) {
			throw forbidden('You may not create teams in this department.');
		}
		if (department.archivedAt) throw new AppError('CONFLICT', 'That department is archived.');
		return this.change(actor, async (sql) => {
			const row = await this.org.insertTeam(actor.orgId, department.id, input.name, sql);
			await this.created(sql, actor, 'team', row, { departmentId: department.id, teamId: row.id });
			return toTeam(row);
		});
	}

	async updateTeam(actor: Actor, id: string, input: UpdateTeamInput): Promise<Team> {
		const before = await this.requireTeam(actor, id);
		if (input.name !== undefined && !policy.renameTeam(actor, before)) {
			throw forbidden('You may not rename this team.');
		}
		if (input.archived !== undefined && !policy.archiveTeam(actor, before)) {
			throw forbidden('You may not archive this team.');
		}
		const moving = input.departmentId !== undefined && input.departmentId !== before.departmentId;
		if (moving) {
			const target = await this.requireDepartment(actor, input.departmentId!);
			if (!policy.moveTeam(actor, before, target)) {
				throw forbidden('You may not move this team to that department.');
			}
			if (target.archivedAt) throw new AppError('CONFLICT', 'That department is archived.');
		}
		return this.change(actor, async (sql) => {
			const after = await this.org.updateTeam(
				id,
				{
					name: input.name,
					departmentId: moving ? input.departmentId : undefined,
					archivedAt: archiveChange(input.archived, before.archivedAt)
				},
				sql
			);
			if (moving) await this.org.moveTeamMembers(id, after.departmentId, sql);
			const channel = await this.channels.findByTeam(id, sql);
			if (channel) {
				await this.channels.update(
					channel.id,
					{ name: after.name, departmentId: after.departmentId, archivedAt: after.archivedAt },
					sql
				);
			}
			const action = moving
				? 'team.move'
				: input.archived === undefined
					? 'team.update'
					: archiveAction('team', input.archived);
			await this.record(sql, actor, action, 'team', id, before, after);
			return toTeam(after);
		});
	}

	async getJoinCode(actor: Actor): Promise<JoinCode> {
		if (!policy.manageJoinCode(actor, { id: actor.orgId })) throw forbidden();
		const organization = await this.org.findOrganization(actor.orgId);
		if (!organization) throw notFound('The organization');
		return toJoinCode(organization);
	}

	async rotateJoinCode(actor: Actor): Promise<JoinCode> {
		return this.changeJoinCode(actor, { joinCode: generateJoinCode() }, 'join_code.rotate');
	}

	async updateJoinCode(actor: Actor, input: UpdateJoinCodeInput): Promise<JoinCode> {
		return this.changeJoinCode(
			actor,
			{ joinCodeEnabled: input.enabled, requireApproval: input.requireApproval },
			'join_code.update'
		);
	}

	private async changeJoinCode(
		actor: Actor,
		change: { joinCode?: string; joinCodeEnabled?: boolean; requireApproval?: boolean },
		action: string
	): Promise<JoinCode> {
		if (!policy.manageJoinCode(actor, { id: actor.orgId })) {
			throw forbidden('Only Super Admins manage the join code.');
		}
		return this.change(actor, async (sql) => {
			const before = await this.org.findOrganization(actor.orgId, sql);
			const after = await this.org.updateJoinCode(actor.orgId, change, sql);
			await this.record(
				sql,
				actor,
				action,
				'organization',
				actor.orgId,
				before && toJoinCode(before),
				toJoinCode(after)
			);
			return toJoinCode(after);
		});
	}

	private async requireDepartment(actor: Actor, id: string) {
		const department = await this.org.findDepartment(id);
		if (!department || department.orgId !== actor.orgId) throw notFound('That department');
		return department;
	}

	private async requireTeam(actor: Actor, id: string) {
		const team = await this.org.findTeam(id);
		if (!team || team.orgId !== actor.orgId) throw notFound('That team');
		return team;
	}

	/** A new department or team comes with its own channel, and its creation is recorded. */
	private async created(
		sql: Sql,
		actor: Actor,
		kind: 'department' | 'team',
		row: DepartmentRow | TeamRow,
		placement: { departmentId: string; teamId?: string }
	): Promise<void> {
		await this.channels.insert(
			{ orgId: actor.orgId, kind, name: row.name, ...placement, createdBy: actor.id },
			sql
		);
		await this.record(sql, actor, `${kind}.create`, kind, row.id, undefined, row);
	}

	/**
	 * Runs a structure change in one transaction; everybody whose world it changes (their place,
	 * the department and team channels they see, their names) is told in their feed.
	 */
	private async change<T>(actor: Actor, work: (sql: Sql) => Promise<T>): Promise<T> {
		const [result, notified] = await this.database.sql.begin(async (tx) => {
			const sql = tx as unknown as Sql;
			const world = await this.feed.world(sql, actor.orgId);
			const result = await work(sql);
			return [result, await this.feed.worldChanged(sql, actor.orgId, world)] as const;
		});
		this.events.emit('structure.changed', { orgId: actor.orgId });
		this.feed.notify(notified);
		return result as T;
	}

	private record(
		sql: Sql,
		actor: Actor,
		action: string,
		targetType: string,
		targetId: string,
		before: unknown,
		after: unknown
	) {
		return this.audited(sql, actor, { action, targetType, targetId, before, after });
	}
}

function archiveChange(
	archived: boolean | undefined,
	current: Date | null
): Date | null | undefined {
	if (archived === undefined) return undefined;
	if (!archived) return null;
	return current ?? new Date();
}

function archiveAction(kind: string, archived: boolean) {
	return `${kind}.${archived ? 'archive' : 'restore'}`;
}

function toJoinCode(row: { joinCode: string; joinCodeEnabled: boolean; requireApproval: boolean }) {
	return {
		joinCode: row.joinCode,
		enabled: row.joinCodeEnabled,
		requireApproval: row.requireApproval
	};
}
