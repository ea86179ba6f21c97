import { handle } from '../http/endpoint.ts';
import * as contracts from '#shared/api/dashboard.ts';
import { dashboardCsv as toCsv, dashboardCsvName } from './dashboard-csv.ts';

export const dashboard = handle(contracts.dashboard, ({ ctx, user, query }) =>
	ctx.dashboard.dashboard(user, query)
);

export const dashboardCsv = handle(contracts.dashboardCsv, async ({ ctx, user, query }) => {
	const figures = await ctx.dashboard.dashboard(user, query);
	return new Response(toCsv(figures, query.chart), {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="${dashboardCsvName(figures, query.chart)}"`,
			'cache-control': 'no-store'
		}
	});
});

export const dashboardScopes = handle(contracts.dashboardScopes, async ({ ctx, user }) => ({
	scopes: await ctx.dashboard.scopes(user)
}));
