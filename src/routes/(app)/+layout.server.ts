import { pageContext } from '$lib/server/http/page.ts';
import { policy } from '$lib/shared/policy.ts';
import type { LayoutServerLoad } from './$types';
import { logger } from '$lib/server/logging/logger.ts';

/**
 * Every page of the application needs a signed-in person; others go to /signin?next=…
 * The sidebar's conversations come along, so that the first paint already lists them.
 */
export const load: LayoutServerLoad = async (event) => {
	const { ctx, user } = await pageContext(event);
	const channels = await ctx.channels.list(user).catch((error: unknown) => {
		logger.error({ err: error }, 'could not list channels');
		return [];
	});
	return { user, canAdmin: policy.accessAdmin(user), channels };
};
