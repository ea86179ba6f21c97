import { loadOrFail, pageContext } from '$lib/server/http/page.ts';
import type { PageServerLoad } from './$types';

/** Departments and teams, archived ones included, with who leads them and how many are in them. */
export const load: PageServerLoad = async (event) => {
	const { ctx, user } = await pageContext(event);
	const [structure, directory] = await loadOrFail(() =>
		Promise.all([
			ctx.org.listStructure(user),
			ctx.people.directory(user, { limit: 10_000, offset: 0, includeInactive: false })
		])
	);
	const people = directory.people.map((person) => ({
		id: person.id,
		name: person.name,
		role: person.role,
		departmentId: person.departmentId,
		teamId: person.teamId
	}));
	return { departments: structure.departments, teams: structure.teams, people };
};
