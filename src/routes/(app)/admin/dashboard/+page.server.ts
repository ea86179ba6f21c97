import { error } from '@sveltejs/kit';
import { loadOrFail, pageContext } from '$lib/server/http/page.ts';
import { dashboardQuerySchema } from '$lib/shared/api/dashboard.schema.ts';
import { lastDays, PERIOD_PRESETS } from '$lib/shared/dashboard/period.ts';
import type { PageServerLoad } from './$types';

/**
 * The activity dashboard of the scope and period in the address (`scope`, and `days` for a
 * preset or `from`/`to`), the same answer as GET /api/dashboard; plain links and GET forms
 * change them, so it works without script.
 */
export const load: PageServerLoad = async (event) => {
	const { ctx, user } = await pageContext(event);
	const params = event.url.searchParams;
	const preset = PERIOD_PRESETS.find((days) => String(days) === params.get('days'));
	const custom = !preset && (params.has('from') || params.has('to'));
	const asked = {
		...(params.get('scope') ? { scope: params.get('scope') } : {}),
		...(custom
			? {
					...(params.get('from') ? { from: params.get('from') } : {}),
					...(params.get('to') ? { to: params.get('to') } : {})
				}
			: (({ from, to }) => ({ from, to }))(lastDays(preset ?? 30)))
	};
	const query = dashboardQuerySchema.safeParse(asked);
	if (!query.success) {
		const issue = query.error.issues[0];
		error(422, {
			code: 'VALIDATION_FAILED',
			message: `${issue?.path.join('.') ?? 'query'}: ${issue?.message ?? 'not valid'}`
		});
	}
	const [scopes, dashboard] = await loadOrFail(() =>
		Promise.all([ctx.dashboard.scopes(user), ctx.dashboard.dashboard(user, query.data)])
	);
	return { scopes, dashboard, preset: custom ? null : (preset ?? 30) };
};
