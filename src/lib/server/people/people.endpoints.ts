import { z } from 'zod';
import { defineEndpoint } from '../http/endpoint.ts';
import {
	assignPersonSchema,
	auditPageSchema,
	auditQuerySchema,
	directoryPageSchema,
	directoryQuerySchema,
	orgChartSchema,
	personSchema
} from '../org/org.schema.ts';

const idParams = z.object({ id: z.uuid('Not a valid id.') });

export const directory = defineEndpoint({
	method: 'GET',
	path: '/api/people',
	summary: 'Search the directory by name, title, department, team or role',
	tag: 'People',
	requiresUser: true,
	query: directoryQuerySchema,
	response: directoryPageSchema,
	run: ({ ctx, user, query }) => ctx.people.directory(user, query)
});

export const orgChart = defineEndpoint({
	method: 'GET',
	path: '/api/org-chart',
	summary: 'Departments, teams, heads, managers and members, for the org chart',
	tag: 'People',
	requiresUser: true,
	response: orgChartSchema,
	run: ({ ctx, user }) => ctx.people.orgChart(user)
});

export const assignPerson = defineEndpoint({
	method: 'PATCH',
	path: '/api/people/{id}',
	summary: 'Place a person: team, department, role, title',
	tag: 'People',
	requiresUser: true,
	params: idParams,
	body: assignPersonSchema,
	response: personSchema,
	run: ({ ctx, user, params, body }) => ctx.people.assign(user, params.id, body)
});

export const deactivatePerson = defineEndpoint({
	method: 'POST',
	path: '/api/people/{id}/deactivate',
	summary: 'Deactivate a person; ends all their sessions at once',
	tag: 'People',
	requiresUser: true,
	params: idParams,
	response: personSchema,
	run: ({ ctx, user, params }) => ctx.people.deactivate(user, params.id)
});

export const reactivatePerson = defineEndpoint({
	method: 'POST',
	path: '/api/people/{id}/reactivate',
	summary: 'Reactivate a deactivated person',
	tag: 'People',
	requiresUser: true,
	params: idParams,
	response: personSchema,
	run: ({ ctx, user, params }) => ctx.people.reactivate(user, params.id)
});

export const approvePerson = defineEndpoint({
	method: 'POST',
	path: '/api/people/{id}/approve',
	summary: 'Approve a person who joined while approval is required',
	tag: 'People',
	requiresUser: true,
	params: idParams,
	response: personSchema,
	run: ({ ctx, user, params }) => ctx.people.approve(user, params.id)
});

export const auditLog = defineEndpoint({
	method: 'GET',
	path: '/api/audit',
	summary: 'Administrative actions, newest first (Super Admin)',
	tag: 'Audit',
	requiresUser: true,
	query: auditQuerySchema,
	response: auditPageSchema,
	run: async ({ ctx, user, query }) => ({ entries: await ctx.audit.list(user, query) })
});
