import { handle } from '../http/endpoint.ts';
import * as contracts from '#shared/api/jobs.ts';

export const jobsOverview = handle(contracts.jobsOverview, ({ ctx, user, query }) =>
	ctx.jobs.overview(user, query)
);
