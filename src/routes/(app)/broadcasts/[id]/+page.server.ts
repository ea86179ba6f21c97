import { loadOrFail, pageContext } from '$lib/server/http/page.ts';
import type { PageServerLoad } from './$types';

/** Who has and has not acknowledged a broadcast (its sender, or a Super Admin). */
export const load: PageServerLoad = async (event) => {
	const { ctx, user } = await pageContext(event);
	const acknowledgements = await loadOrFail(() =>
		ctx.broadcasts.acknowledgements(user, event.params.id)
	);
	return { acknowledgements };
};
