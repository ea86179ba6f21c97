import { loadOrFail, pageContext } from '$lib/server/http/page.ts';
import type { PageServerLoad } from './$types';

/**
 * Approvals: the requests waiting for the person's decision (with what they decided lately), and
 * their own requests with where each stands.
 */
export const load: PageServerLoad = async (event) => {
	const { ctx, user } = await pageContext(event);
	const [inbox, mine] = await Promise.all([
		loadOrFail(() => ctx.approvals.inbox(user)),
		loadOrFail(() => ctx.approvals.mine(user))
	]);
	return { inbox, mine };
};
