import { error } from '@sveltejs/kit';
import { loadOrFail, pageContext } from '$lib/server/http/page.ts';
import { policy } from '$lib/shared/policy.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { ctx, user } = await pageContext(event);
	if (!policy.manageJoinCode(user, { id: user.orgId })) {
		error(403, { code: 'FORBIDDEN', message: 'Only Super Admins manage the join code.' });
	}
	const joinCode = await loadOrFail(() => ctx.org.getJoinCode(user));
	return { joinCode, origin: event.url.origin };
};
