import { loadOrFail, pageContext } from '$lib/server/http/page.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { ctx, user } = await pageContext(event);
	const chart = await loadOrFail(() => ctx.people.orgChart(user));
	return { chart };
};
