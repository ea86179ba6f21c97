import { error } from '@sveltejs/kit';
import { loadOrFail, pageContext } from '$lib/server/http/page.ts';
import { policy } from '$lib/shared/policy.ts';
import type { PageServerLoad } from './$types';

const FAILED_SHOWN = 20;

/** The background job queues and their recent failures (the same answer as GET /api/admin/jobs). */
export const load: PageServerLoad = async (event) => {
	const { ctx, user } = await pageContext(event);
	if (!policy.viewJobs(user)) {
		error(403, { code: 'FORBIDDEN', message: 'Only Super Admins see background jobs.' });
	}
	const overview = await loadOrFail(() => ctx.jobs.overview(user, { failedLimit: FAILED_SHOWN }));
	return { overview, failedLimit: FAILED_SHOWN };
};
