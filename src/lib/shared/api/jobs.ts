import { defineContract } from './contract.ts';
import { jobsOverviewQuerySchema, jobsOverviewSchema } from './jobs.schema.ts';

/** The background job queue, as Super Admins see it. */
export const jobsOverview = defineContract({
	method: 'GET',
	path: '/api/admin/jobs',
	summary:
		'Background jobs per queue (queued, running, failed, completed) and the recent failures with their error (Super Admin)',
	tag: 'Jobs',
	requiresUser: true,
	query: jobsOverviewQuerySchema,
	response: jobsOverviewSchema
});
