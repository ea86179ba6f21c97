import { z } from 'zod';
import { defineContract, idParams } from './contract.ts';
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

/** The organization's structure (departments, teams) and its join code. */
export const structure = defineContract({
	method: 'GET',
	path: '/api/structure',
	summary: 'Departments and teams of my organization, archived ones included',
	tag: 'Structure',
	requiresUser: true,
	offline: true,
	response: z.object({ departments: z.array(departmentSchema), teams: z.array(teamSchema) })
});

export const createDepartment = defineContract({
	method: 'POST',
	path: '/api/departments',
	summary: 'Create a department (Super Admin)',
	tag: 'Structure',
	requiresUser: true,
	body: createDepartmentSchema,
	response: departmentSchema,
	status: 201
});

export const updateDepartment = defineContract({
	method: 'PATCH',
	path: '/api/departments/{id}',
	summary: 'Rename, archive or restore a department',
	tag: 'Structure',
	requiresUser: true,
	params: idParams,
	body: updateDepartmentSchema,
	response: departmentSchema
});

export const createTeam = defineContract({
	method: 'POST',
	path: '/api/teams',
	summary: 'Create a team in a department',
	tag: 'Structure',
	requiresUser: true,
	body: createTeamSchema,
	response: teamSchema,
	status: 201
});

export const updateTeam = defineContract({
	method: 'PATCH',
	path: '/api/teams/{id}',
	summary: 'Rename, move to another department, archive or restore a team',
	tag: 'Structure',
	requiresUser: true,
	params: idParams,
	body: updateTeamSchema,
	response: teamSchema
});

export const getJoinCode = defineContract({
	method: 'GET',
	path: '/api/join-code',
	summary: 'The organization’s join code (Super Admin)',
	tag: 'Join code',
	requiresUser: true,
	response: joinCodeSchema
});

export const rotateJoinCode = defineContract({
	method: 'POST',
	path: '/api/join-code/rotate',
	summary: 'Replace the join code; the old one stops working at once',
	tag: 'Join code',
	requiresUser: true,
	response: joinCodeSchema
});

export const updateJoinCode = defineContract({
	method: 'PATCH',
	path: '/api/join-code',
	summary: 'Enable or disable the join code; require approval of new members',
	tag: 'Join code',
	requiresUser: true,
	body: updateJoinCodeSchema,
	response: joinCodeSchema
});
