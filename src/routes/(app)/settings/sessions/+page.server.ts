import { redirect } from '@sveltejs/kit';
import { loadOrFail, pageContext } from '$lib/server/http/page.ts';
import type { PageServerLoad } from './$types';

/** The signed-in person's sessions on every device, most recently used first. */
export const load: PageServerLoad = async (event) => {
	const { ctx, user } = await pageContext(event);
	const current = event.locals.session;
	if (!current) redirect(303, '/signin?next=/settings/sessions');
	const sessions = await loadOrFail(() => ctx.auth.listSessions(user.id, current.id));
	return { sessions };
};
