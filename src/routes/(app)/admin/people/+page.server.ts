import { loadOrFail, pageContext } from '$lib/server/http/page.ts';
import type { PageServerLoad } from './$types';

/** Everyone in the organization, pending and deactivated people included, and where to place them. */
export const load: PageServerLoad = async (event) => {
	const { ctx, user } = await pageContext(event);
	const [directory, structure] = await loadOrFail(() =>
		Promise.all([
			ctx.people.directory(user, { limit: 10_000, offset: 0, includeInactive: true }),
			ctx.org.listStructure(user)
		])
	);
	return {
		people: directory.people,
		total: directory.total,
		departments: structure.departments.filter((department) => !department.archived),
		teams: structure.teams.filter((team) => !team.archived)
	};
};
