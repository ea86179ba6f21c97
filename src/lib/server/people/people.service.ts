import type { Sql } from '../db/database.ts';
import { AppError, forbidden, notFound } from '../errors.ts';
import { DomainServiceWith } from '../domain-service.ts';
import type { SessionRepository } from '../auth/session.repository.ts';
import type { OrgRepository } from '../org/org.repository.ts';
import type { FeedService } from '../feed/feed.service.ts';
import type { ApprovalService } from '../approvals/approval.service.ts';
import type {
	AssignPersonInput,
	DirectoryQuery,
	OrgChart,
	Person,
	Profile
} from '#shared/api/org.schema.ts';
import { toDepartment, toTeam } from '../org/org.service.ts';
import { policy, type Actor, type Placement } from '#shared/policy.ts';
import type { DirectoryRow, PeopleRepository, PersonRow } from './people.repository.ts';

/** People: the directory, the org chart, placing people and (de)activating them. */
export class PeopleService extends DomainServiceWith<{
	people: PeopleRepository;
	org: OrgRepository;
	sessions: SessionRepository;
	feed: FeedService;
	approvals: ApprovalService;
}>() {
	async directory(
		actor: Actor,
		query: DirectoryQuery
	): Promise<{ people: Person[]; total: number }> {
		if (!policy.viewOrganization(actor, { id: actor.orgId })) throw forbidden();
		const includeInactive = Boolean(query.includeInactive) && policy.accessAdmin(actor);
		const { rows, total } = await this.people.search(actor.orgId, {
			query: query.q,
			limit: query.limit,
			offset: query.offset,
			includeInactive
		});
		return { people: rows.map(toPerson), total };
	}

	async orgChart(actor: Actor): Promise<OrgChart> {
		if (!policy.viewOrganization(actor, { id: actor.orgId })) throw forbidden();
		const [organization, departments, teams, people] = await Promise.all([
			this.org.findOrganization(actor.orgId),
			this.org.listDepartments(actor.orgId),
			this.org.listTeams(actor.orgId),
			this.people.search(actor.orgId, { limit: 100_000, offset: 0 })
		]);
		const everyone = people.rows.map(toPerson);
		const activeTeams = teams.filter((team) => !team.archivedAt);
		return {
			organization: { id: actor.orgId, name: organization?.name ?? '' },
			superAdmins: everyone.filter((p) => p.role === 'super_admin'),
			departments: departments
				.filter((department) => !department.archivedAt)
				.map((department) => {
					const inDepartment = everyone.filter(
						(p) => p.departmentId === department.id && p.role !== 'super_admin'
					);
					return {
						...toDepartment(department),
						heads: inDepartment.filter((p) => p.role === 'department_head'),
						members: inDepartment.filter((p) => p.role !== 'department_head' && !p.teamId),
						teams: activeTeams
							.filter((team) => team.departmentId === department.id)
							.map((team) => {
								const inTeam = inDepartment.filter(
									(p) => p.teamId === team.id && p.role !== 'department_head'
								);
								return {
									...toTeam(team),
									managers: inTeam.filter((p) => p.role === 'team_manager'),
									members: inTeam.filter((p) => p.role !== 'team_manager')
								};
							})
					};
				}),
			unassigned: everyone.filter((p) => p.role !== 'super_admin' && !p.departmentId)
		};
	}

	/**
	 * One person's card. Someone of another organization is "not found", as an id that does not
	 * exist: the answer does not tell whether the id belongs to anyone.
	 */
	async profile(actor: Actor, personId: string): Promise<Profile> {
		const row = await this.people.findListed(personId);
		if (!row || !policy.viewPerson(actor, row)) throw notFound('That person');
		return {
			...toPerson(row),
			manager: managerOf(row, await this.people.leadersOf(row.orgId, row))
		};
	}

	async assign(actor: Actor, personId: string, input: AssignPersonInput): Promise<Person> {
		const person = await this.requirePerson(actor, personId);
		const placement = await this.resolvePlacement(actor, person, input);
		if (!policy.assignPerson(actor, person, placement)) {
			throw forbidden('You may not place this person there with that role.');
		}
		let notified: string[] = [];
		const after = await this.database.sql.begin(async (tx) => {
			const sql = tx as unknown as Sql;
			const world = await this.feed.world(sql, actor.orgId, [personId]);
			const updated = await this.people.update(
				personId,
				{ ...placement, ...(input.title !== undefined ? { title: input.title } : {}) },
				sql
			);
			await this.record(sql, actor, 'person.assign', person, updated);
			notified = await this.feed.worldChanged(sql, actor.orgId, world);
			return updated;
		});
		this.events.emit('person.changed', { orgId: actor.orgId, personId });
		this.feed.notify(notified);
		return this.describe(after);
	}

	async deactivate(actor: Actor, personId: string): Promise<Person> {
		const person = await this.requirePerson(actor, personId);
		if (!policy.deactivatePerson(actor, person)) {
			throw forbidden('You may not deactivate this person.');
		}
		// Deactivating someone waiting to join is declining them: their request is decided too.
		if (person.status === 'pending') return this.decline(actor, personId);
		return this.setStatus(actor, person, 'deactivated', 'person.deactivate');
	}

	async reactivate(actor: Actor, personId: string): Promise<Person> {
		const person = await this.requirePerson(actor, personId);
		if (!policy.deactivatePerson(actor, person)) {
			throw forbidden('You may not reactivate this person.');
		}
		if (person.status !== 'deactivated') {
			throw new AppError('CONFLICT', 'This person is not deactivated.');
		}
		return this.setStatus(actor, person, 'active', 'person.reactivate');
	}

	/**
	 * Lets in a person waiting to join. Their request to join is decided by it, as in the
	 * approvals inbox (ApprovalService.decideJoin: audited as a decision, the person told); one
	 * decided already, here or there, is refused with ALREADY_DECIDED.
	 */
	async approve(actor: Actor, personId: string): Promise<Person> {
		const person = await this.requirePerson(actor, personId);
		if (!policy.approveMember(actor, { id: actor.orgId })) {
			throw forbidden('You may not approve new members.');
		}
		requireWaiting(person);
		if (await this.approvals.decideJoin(actor, personId, 'approve')) {
			return this.describe((await this.people.find(personId))!);
		}
		return this.setStatus(actor, person, 'active', 'person.approve');
	}

	/** Turns away a person waiting to join (deactivated), deciding their request as `approve` does. */
	async decline(actor: Actor, personId: string): Promise<Person> {
		const person = await this.requirePerson(actor, personId);
		if (!policy.deactivatePerson(actor, person)) {
			throw forbidden('You may not decline this person.');
		}
		requireWaiting(person);
		if (await this.approvals.decideJoin(actor, personId, 'reject')) {
			return this.describe((await this.people.find(personId))!);
		}
		return this.setStatus(actor, person, 'deactivated', 'person.deactivate');
	}

	private async setStatus(
		actor: Actor,
		person: PersonRow,
		status: 'active' | 'deactivated',
		action: string
	): Promise<Person> {
		let notified: string[] = [];
		const after = await this.database.sql.begin(async (tx) => {
			const sql = tx as unknown as Sql;
			const updated = await this.people.update(person.id, { status }, sql);
			// Deactivation ends every session at once, in the same transaction.
			if (status === 'deactivated') await this.sessions.deleteAllForUser(person.id, sql);
			await this.record(sql, actor, action, person, updated);
			if (status === 'deactivated') {
				notified = await this.feed.personDeactivated(sql, actor.orgId, person.id);
			}
			return updated;
		});
		if (status === 'deactivated') {
			this.events.emit('sessions.ended', { userId: person.id, sessionIds: 'all' });
		}
		this.events.emit('person.changed', { orgId: actor.orgId, personId: person.id });
		this.feed.notify(notified);
		return this.describe(after);
	}

	/** Fills in what the request leaves out: a team implies its department. */
	private async resolvePlacement(
		actor: Actor,
		person: PersonRow,
		input: AssignPersonInput
	): Promise<Placement> {
		let teamId = input.teamId === undefined ? person.teamId : input.teamId;
		let departmentId = input.departmentId === undefined ? person.departmentId : input.departmentId;
		if (input.teamId) {
			const team = await this.org.findTeam(input.teamId);
			if (!team || team.orgId !== actor.orgId) throw notFound('That team');
			if (team.archivedAt) throw new AppError('CONFLICT', 'That team is archived.');
			departmentId = team.departmentId;
		} else if (input.departmentId !== undefined && input.teamId === undefined && teamId) {
			// Moving to another department leaves the old department's team.
			const team = await this.org.findTeam(teamId);
			if (team && team.departmentId !== input.departmentId) teamId = null;
		}
		if (departmentId && departmentId !== person.departmentId) {
			const department = await this.org.findDepartment(departmentId);
			if (!department || department.orgId !== actor.orgId) throw notFound('That department');
			if (department.archivedAt) throw new AppError('CONFLICT', 'That department is archived.');
		}
		if (departmentId === null) teamId = null;
		return { role: input.role ?? person.role, departmentId, teamId };
	}

	private async requirePerson(actor: Actor, personId: string) {
		const person = await this.people.find(personId);
		if (!person || person.orgId !== actor.orgId) throw notFound('That person');
		return person;
	}

	private async describe(row: PersonRow): Promise<Person> {
		const [department, team] = await Promise.all([
			row.departmentId ? this.org.findDepartment(row.departmentId) : null,
			row.teamId ? this.org.findTeam(row.teamId) : null
		]);
		return toPerson({
			...row,
			departmentName: department?.name ?? null,
			teamName: team?.name ?? null
		});
	}

	private record(sql: Sql, actor: Actor, action: string, before: PersonRow, after: PersonRow) {
		const view = (row: PersonRow) => ({
			role: row.role,
			status: row.status,
			departmentId: row.departmentId,
			teamId: row.teamId,
			title: row.title
		});
		return this.audited(sql, actor, {
			action,
			targetType: 'person',
			targetId: before.id,
			before: { name: before.name, ...view(before) },
			after: { name: after.name, ...view(after) }
		});
	}
}

/**
 * Who a person reports to, among the leaders of their team and department: a team member's
 * team manager (the department head when the team has none), a team manager's department head,
 * the department head for someone in a department without a team. Heads and Super Admins
 * report to nobody here. Several candidates: the first by name.
 */
export function managerOf(person: PersonRow, leaders: readonly DirectoryRow[]): Person | null {
	if (person.role === 'super_admin' || person.role === 'department_head') return null;
	const others = leaders.filter((leader) => leader.id !== person.id);
	const teamManager =
		person.role === 'team_member' && person.teamId
			? others.find((leader) => leader.role === 'team_manager' && leader.teamId === person.teamId)
			: undefined;
	const head = person.departmentId
		? others.find(
				(leader) => leader.role === 'department_head' && leader.departmentId === person.departmentId
			)
		: undefined;
	const manager = teamManager ?? head;
	return manager ? toPerson(manager) : null;
}

export function toPerson(row: DirectoryRow): Person {
	return {
		id: row.id,
		email: row.email,
		name: row.name,
		title: row.title,
		role: row.role,
		status: row.status,
		departmentId: row.departmentId,
		departmentName: row.departmentName,
		teamId: row.teamId,
		teamName: row.teamName
	};
}

/** A person approved or declined already (here or in the approvals inbox) is not again. */
function requireWaiting(person: PersonRow): void {
	if (person.status !== 'pending') {
		throw new AppError(
			'ALREADY_DECIDED',
			'This person is not waiting for approval: they were approved or declined already.'
		);
	}
}
