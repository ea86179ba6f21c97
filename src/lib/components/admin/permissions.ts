/**
 * The admin pages ask the shared policy what the signed-in person may do, only to hide or
 * disable what the server would refuse anyway.
 */
import type { Department, Person, Team } from '$lib/shared/api/org.schema.ts';
import { policy, type Actor, type Placement } from '$lib/shared/policy.ts';
import { roles, type Role } from '$lib/shared/roles.ts';

export const personRef = (actor: Actor, person: Person) => ({
	id: person.id,
	orgId: actor.orgId,
	role: person.role,
	departmentId: person.departmentId,
	teamId: person.teamId
});

export const departmentRef = (actor: Actor, department: Pick<Department, 'id'>) => ({
	id: department.id,
	orgId: actor.orgId
});

export const teamRef = (actor: Actor, team: Pick<Team, 'id' | 'departmentId'>) => ({
	id: team.id,
	orgId: actor.orgId,
	departmentId: team.departmentId
});

/** Roles the actor may give this person at this place. */
export function grantableRoles(
	actor: Actor,
	person: Person,
	place: Omit<Placement, 'role'>
): Role[] {
	return roles.filter((role) =>
		policy.assignPerson(actor, personRef(actor, person), { role, ...place })
	);
}

/** Every place a person could be put, with the roles the actor may grant there. */
export function placements(
	actor: Actor,
	person: Person,
	departments: Department[],
	teams: Team[]
): { departmentId: string | null; teamId: string | null; roles: Role[] }[] {
	const places: Omit<Placement, 'role'>[] = [
		{ departmentId: null, teamId: null },
		...departments.map((department) => ({ departmentId: department.id, teamId: null })),
		...teams.map((team) => ({ departmentId: team.departmentId, teamId: team.id }))
	];
	return places
		.map((place) => ({ ...place, roles: grantableRoles(actor, person, place) }))
		.filter((place) => place.roles.length > 0);
}

/** Whether the Edit action makes sense for this person at all. */
export function canEditPerson(
	actor: Actor,
	person: Person,
	departments: Department[],
	teams: Team[]
): boolean {
	return placements(actor, person, departments, teams).length > 0;
}
