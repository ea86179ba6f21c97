import { z } from 'zod';
import { defineEndpoint } from '../http/endpoint.ts';
import {
	createDepartmentSchema,
	createTeamSchema,
	departmentSchema,
	joinCodeSchema,
	teamSchema,
	updateDepartmentSchema,
	updateJoinCodeSchema,
	updateTeamSchema
} from './org.schema.ts';

const idParams = z.object({ id: z.uuid('Not a valid id.') });

export const structure = defineEndpoint({
	method: 'GET',
	path: '/api/structure',
	summary: 'Departments and teams of my organization, archived ones included',
	tag: 'Structure',
	requiresUser: true,
	response: z.object({ departments: z.array(departmentSchema), teams: z.array(teamSchema) }),
	run: ({ ctx, user }) => ctx.org.listStructure(user)
});

export const createDepartment = defineEndpoint({
	method: 'POST',
	path: '/api/departments',
	summary: 'Create a department (Super Admin)',
	tag: 'Structure',
	requiresUser: true,
	body: createDepartmentSchema,
	response: departmentSchema,
	status: 201,
	run: ({ ctx, user, body }) => ctx.org.createDepartment(user, body)
});

export const updateDepartment = defineEndpoint({
	method: 'PATCH',
	path: '/api/departments/{id}',
	summary: 'Rename, archive or restore a department',
	tag: 'Structure',
	requiresUser: true,
	params: idParams,
	body: updateDepartmentSchema,
	response: departmentSchema,
	run: ({ ctx, user, params, body }) => ctx.org.updateDepartment(user, params.id, body)
});

export const createTeam = defineEndpoint({
	method: 'POST',
	path: '/api/teams',
	summary: 'Create a team in a department',
	tag: 'Structure',
	requiresUser: true,
	body: createTeamSchema,
	response: teamSchema,
	status: 201,
	run: ({ ctx, user, body }) => ctx.org.createTeam(user, body)
});

export const updateTeam = defineEndpoint({
	method: 'PATCH',
	path: '/api/teams/{id}',
	summary: 'Rename, move to another department, archive or restore a team',
	tag: 'Structure',
	requiresUser: true,
	params: idParams,
	body: updateTeamSchema,
	response: teamSchema,
	run: ({ ctx, user, params, body }) => ctx.org.updateTeam(user, params.id, body)
});

export const getJoinCode = defineEndpoint({
	method: 'GET',
	path: '/api/join-code',
	summary: 'The organization’s join code (Super Admin)',
	tag: 'Join code',
	requiresUser: true,
	response: joinCodeSchema,
	run: ({ ctx, user }) => ctx.org.getJoinCode(user)
});

export const rotateJoinCode = defineEndpoint({
	method: 'POST',
	path: '/api/join-code/rotate',
	summary: 'Replace the join code; the old one stops working at once',
	tag: 'Join code',
	requiresUser: true,
	response: joinCodeSchema,
	run: ({ ctx, user }) => ctx.org.rotateJoinCode(user)
});

export const updateJoinCode = defineEndpoint({
	method: 'PATCH',
	path: '/api/join-code',
	summary: 'Enable or disable the join code; require approval of new members',
	tag: 'Join code',
	requiresUser: true,
	body: updateJoinCodeSchema,
	response: joinCodeSchema,
	run: ({ ctx, user, body }) => ctx.org.updateJoinCode(user, body)
});
