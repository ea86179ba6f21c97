import { error } from '@sveltejs/kit';
import { loadOrFail, pageContext } from '$lib/server/http/page.ts';
import { broadcastPolicy } from '$lib/shared/policy.ts';
import type { PageServerLoad } from './$types';

/**
 * Sending an emergency broadcast, and the broadcasts the person follows. The scopes offered are
 * those the person may send to: the organization and every department for a Super Admin, their
 * own department for a Department Head.
 */
export const load: PageServerLoad = async (event) => {
	const { ctx, user } = await pageContext(event);
	if (!broadcastPolicy.sendAny(user)) {
		error(403, {
			code: 'FORBIDDEN',
			message: 'Only Super Admins and Department Heads send emergency broadcasts.'
		});
	}
	const [structure, sent] = await Promise.all([
		loadOrFail(() => ctx.org.listStructure(user)),
		loadOrFail(() => ctx.broadcasts.followed(user))
	]);
	const departments = structure.departments
		.filter((department) => broadcastPolicy.send(user, { departmentId: department.id }))
		.map((department) => ({ id: department.id, name: department.name }));
	return {
		departments,
		canSendToOrg: broadcastPolicy.send(user, { departmentId: null }),
		sent
	};
};
