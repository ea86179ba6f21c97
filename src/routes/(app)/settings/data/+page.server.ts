import { loadOrFail, pageContext } from '$lib/server/http/page.ts';
import type { PageServerLoad } from './$types';

/** The person's exports of their own messages. */
export const load: PageServerLoad = async (event) => {
	const { ctx, user } = await pageContext(event);
	const exports = await loadOrFail(() => ctx.exports.list(user));
	return { exports: exports.filter((item) => item.self) };
};
