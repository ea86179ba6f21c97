import { loadOrFail, pageContext } from '$lib/server/http/page.ts';
import type { PageServerLoad } from './$types';

/**
 * What the person is notified of, their quiet hours, their conversations' own levels, and how
 * they are reached when away (email here; push is per browser and asked of the browser).
 */
export const load: PageServerLoad = async (event) => {
	const { ctx, user } = await pageContext(event);
	const [settings, email] = await Promise.all([
		loadOrFail(() => ctx.notifications.settings(user)),
		loadOrFail(() => ctx.email.status(user))
	]);
	return { settings, email };
};
