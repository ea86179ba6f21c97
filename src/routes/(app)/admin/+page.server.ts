import { loadOrFail, pageContext } from '$lib/server/http/page.ts';
import { policy } from '$lib/shared/policy.ts';
import type { PageServerLoad } from './$types';

/** The overview: how big the organization is and what needs someone's attention. */
export const load: PageServerLoad = async (event) => {
	const { ctx, user } = await pageContext(event);
	const [structure, directory, storage] = await loadOrFail(() =>
		Promise.all([
			ctx.org.listStructure(user),
			ctx.people.directory(user, { limit: 10_000, offset: 0, includeInactive: true }),
			policy.viewStorageUsage(user, { id: user.orgId }) ? ctx.files.usage(user) : null
		])
	);
	const departments = structure.departments.filter((department) => !department.archived);
	const teams = structure.teams.filter((team) => !team.archived);
	const people = directory.people;
	const active = people.filter((person) => person.status === 'active');
	const leaders = (role: string, key: 'departmentId' | 'teamId') =>
		new Set(active.filter((p) => p.role === role && p[key]).map((p) => p[key]));
	const heads = leaders('department_head', 'departmentId');
	const managers = leaders('team_manager', 'teamId');
	return {
		storage,
		counts: {
			departments: departments.length,
			archivedDepartments: structure.departments.length - departments.length,
			teams: teams.length,
			archivedTeams: structure.teams.length - teams.length,
			active: active.length,
			pending: people.filter((person) => person.status === 'pending').length,
			deactivated: people.filter((person) => person.status === 'deactivated').length,
			// Department Heads belong to their department, not to a team.
			unplaced: active.filter(
				(person) =>
					person.role !== 'super_admin' &&
					(!person.departmentId || (!person.teamId && person.role !== 'department_head'))
			).length
		},
		headless: departments
			.filter((department) => !heads.has(department.id))
			.map((d) => ({ id: d.id, name: d.name })),
		managerless: teams
			.filter((team) => !managers.has(team.id))
			.map((t) => ({ id: t.id, name: t.name }))
	};
};
