import { error } from '@sveltejs/kit';
import { loadOrFail, pageContext } from '$lib/server/http/page.ts';
import { policy } from '$lib/shared/policy.ts';
import type { PageServerLoad } from './$types';

const PAGE_SIZE = 50;

/** The newest audit entries, plus the names that ids in them refer to. */
export const load: PageServerLoad = async (event) => {
	const { ctx, user } = await pageContext(event);
	if (!policy.viewAuditLog(user, { id: user.orgId })) {
		error(403, { code: 'FORBIDDEN', message: 'Only Super Admins see the audit log.' });
	}
	const [entries, structure, directory] = await loadOrFail(() =>
		Promise.all([
			ctx.audit.list(user, { limit: PAGE_SIZE }),
			ctx.org.listStructure(user),
			ctx.people.directory(user, { limit: 10_000, offset: 0, includeInactive: true })
		])
	);
	const names = (items: { id: string; name: string }[]) =>
		Object.fromEntries(items.map((item) => [item.id, item.name]));
	return {
		entries,
		pageSize: PAGE_SIZE,
		names: {
			departments: names(structure.departments),
			teams: names(structure.teams),
			people: names(directory.people)
		}
	};
};
