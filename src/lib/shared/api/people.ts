import { defineContract, idParams } from './contract.ts';
import {
	assignPersonSchema,
	auditPageSchema,
	auditQuerySchema,
	directoryPageSchema,
	directoryQuerySchema,
	orgChartSchema,
	personSchema,
	profileSchema
} from './org.schema.ts';

/** The directory, the org chart, placing and (de)activating people, the audit log. */
export const directory = defineContract({
	method: 'GET',
	path: '/api/people',
	summary: 'Search the directory by name, title, department, team or role',
	tag: 'People',
	requiresUser: true,
	offline: true,
	query: directoryQuerySchema,
	response: directoryPageSchema
});

export const orgChart = defineContract({
	method: 'GET',
	path: '/api/org-chart',
	summary: 'Departments, teams, heads, managers and members, for the org chart',
	tag: 'People',
	requiresUser: true,
	offline: true,
	response: orgChartSchema
});

export const profile = defineContract({
	method: 'GET',
	path: '/api/people/{id}',
	summary: 'One person of my organization, with their manager, for their profile card',
	tag: 'People',
	requiresUser: true,
	offline: true,
	params: idParams,
	response: profileSchema
});

export const assignPerson = defineContract({
	method: 'PATCH',
	path: '/api/people/{id}',
	summary: 'Place a person: team, department, role, title',
	tag: 'People',
	requiresUser: true,
	params: idParams,
	body: assignPersonSchema,
	response: personSchema
});

export const deactivatePerson = defineContract({
	method: 'POST',
	path: '/api/people/{id}/deactivate',
	summary: 'Deactivate a person; ends all their sessions at once',
	tag: 'People',
	requiresUser: true,
	params: idParams,
	response: personSchema
});

export const reactivatePerson = defineContract({
	method: 'POST',
	path: '/api/people/{id}/reactivate',
	summary: 'Reactivate a deactivated person',
	tag: 'People',
	requiresUser: true,
	params: idParams,
	response: personSchema
});

export const approvePerson = defineContract({
	method: 'POST',
	path: '/api/people/{id}/approve',
	summary: 'Approve a person who joined while approval is required',
	tag: 'People',
	requiresUser: true,
	params: idParams,
	response: personSchema
});

export const declinePerson = defineContract({
	method: 'POST',
	path: '/api/people/{id}/decline',
	summary:
		'Decline a person who joined while approval is required (deactivated); decides their request',
	tag: 'People',
	requiresUser: true,
	params: idParams,
	response: personSchema
});

export const auditLog = defineContract({
	method: 'GET',
	path: '/api/audit',
	summary: 'Administrative actions, newest first (Super Admin)',
	tag: 'Audit',
	requiresUser: true,
	query: auditQuerySchema,
	response: auditPageSchema
});
