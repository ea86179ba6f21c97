import { loadOrFail, pageContext } from '$lib/server/http/page.ts';
import type { PageServerLoad } from './$types';

/** The compliance export form (what the manager may export) and the exports they asked for. */
export const load: PageServerLoad = async (event) => {
	const { ctx, user } = await pageContext(event);
	const [targets, exports] = await Promise.all([
		loadOrFail(() => ctx.exports.targets(user)),
		loadOrFail(() => ctx.exports.list(user))
	]);
	return { targets, exports };
};
