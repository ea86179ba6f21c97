import { z } from 'zod';
import { defineContract } from './contract.ts';
import {
	dashboardCsvQuerySchema,
	dashboardQuerySchema,
	dashboardSchema,
	dashboardScopesSchema
} from './dashboard.schema.ts';

/** The activity dashboard of a team, a department or the organization, for its managers. */
export const dashboard = defineContract({
	method: 'GET',
	path: '/api/dashboard',
	summary:
		'Messages and active people per day, median time to first reply and busiest channels of a team, department or the organization, over a period and the one before it',
	tag: 'Dashboard',
	requiresUser: true,
	query: dashboardQuerySchema,
	response: dashboardSchema
});

export const dashboardCsv = defineContract({
	method: 'GET',
	path: '/api/dashboard/csv',
	summary: 'One chart of the dashboard as CSV (an attachment), with the previous period beside it',
	tag: 'Dashboard',
	requiresUser: true,
	query: dashboardCsvQuerySchema,
	response: z.string()
});

export const dashboardScopes = defineContract({
	method: 'GET',
	path: '/api/dashboard/scopes',
	summary:
		'The teams, departments (and for Super Admins the organization) whose dashboard I may see',
	tag: 'Dashboard',
	requiresUser: true,
	response: dashboardScopesSchema
});
