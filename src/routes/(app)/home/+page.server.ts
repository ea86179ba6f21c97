import { loadOrFail, pageContext } from '$lib/server/http/page.ts';
import type { PageServerLoad } from './$types';

/** Where the person sits (department and team names) and a glimpse of the organization. */
export const load: PageServerLoad = async (event) => {
	const { ctx, user } = await pageContext(event);
	const [structure, directory] = await Promise.all([
		loadOrFail(() => ctx.org.listStructure(user)),
		loadOrFail(() => ctx.people.directory(user, { limit: 8, offset: 0, includeInactive: false }))
	]);
	const departments = structure.departments.filter((department) => !department.archived);
	const teams = structure.teams.filter((team) => !team.archived);
	return {
		department: departments.find((department) => department.id === user.departmentId) ?? null,
		team: teams.find((team) => team.id === user.teamId) ?? null,
		counts: { people: directory.total, departments: departments.length, teams: teams.length },
		colleagues: directory.people.filter((person) => person.id !== user.id).slice(0, 6)
	};
};
