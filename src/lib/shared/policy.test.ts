import { describe, expect, it } from 'vitest';
import { policy, type Actor, type PersonRef } from './policy.ts';
import { roles, type Role } from './roles.ts';

/**
 * Every role × every action, against targets inside and outside the actor's own area.
 * Each row states the expected answer for super_admin, department_head, team_manager,
 * team_member, in that order.
 */
const ORG = 'org-1';
const OTHER_ORG = 'org-2';
const DEPT = 'dept-a';
const OTHER_DEPT = 'dept-b';
const TEAM = 'team-a1';
const OTHER_TEAM_SAME_DEPT = 'team-a2';
const TEAM_IN_OTHER_DEPT = 'team-b1';

function actor(role: Role, overrides: Partial<Actor> = {}): Actor {
	return {
		id: `actor-${role}`,
		orgId: ORG,
		role,
		status: 'active',
		departmentId: role === 'super_admin' ? null : DEPT,
		teamId: role === 'team_manager' || role === 'team_member' ? TEAM : null,
		...overrides
	};
}

const person = (overrides: Partial<PersonRef> = {}): PersonRef => ({
	id: 'person-1',
	orgId: ORG,
	role: 'team_member',
	departmentId: DEPT,
	teamId: TEAM,
	...overrides
});

const dept = (id = DEPT, orgId = ORG) => ({ id, orgId });
const team = (id = TEAM, departmentId = DEPT, orgId = ORG) => ({ id, orgId, departmentId });
const org = { id: ORG };

type Row = [string, (a: Actor) => boolean, [boolean, boolean, boolean, boolean]];

const table: Row[] = [
	['view own organization', (a) => policy.viewOrganization(a, org), [true, true, true, true]],
	[
		'view another organization',
		(a) => policy.viewOrganization(a, { id: OTHER_ORG }),
		[false, false, false, false]
	],
	['open admin pages', (a) => policy.accessAdmin(a), [true, true, true, false]],
	['manage join code', (a) => policy.manageJoinCode(a, org), [true, false, false, false]],
	['view audit log', (a) => policy.viewAuditLog(a, org), [true, false, false, false]],
	['create department', (a) => policy.createDepartment(a, org), [true, false, false, false]],
	['rename own department', (a) => policy.renameDepartment(a, dept()), [true, true, false, false]],
	[
		'rename other department',
		(a) => policy.renameDepartment(a, dept(OTHER_DEPT)),
		[true, false, false, false]
	],
	[
		'rename department of other org',
		(a) => policy.renameDepartment(a, dept(DEPT, OTHER_ORG)),
		[false, false, false, false]
	],
	[
		'archive own department',
		(a) => policy.archiveDepartment(a, dept()),
		[true, false, false, false]
	],
	[
		'create team in own department',
		(a) => policy.createTeam(a, dept()),
		[true, true, false, false]
	],
	[
		'create team in other department',
		(a) => policy.createTeam(a, dept(OTHER_DEPT)),
		[true, false, false, false]
	],
	['rename own team', (a) => policy.renameTeam(a, team()), [true, true, true, false]],
	[
		'rename other team in own department',
		(a) => policy.renameTeam(a, team(OTHER_TEAM_SAME_DEPT)),
		[true, true, false, false]
	],
	[
		'rename team in other department',
		(a) => policy.renameTeam(a, team(TEAM_IN_OTHER_DEPT, OTHER_DEPT)),
		[true, false, false, false]
	],
	[
		'move own team to other department',
		(a) => policy.moveTeam(a, team(), dept(OTHER_DEPT)),
		[true, false, false, false]
	],
	[
		'move team within own department',
		(a) => policy.moveTeam(a, team(), dept()),
		[true, true, false, false]
	],
	['archive own team', (a) => policy.archiveTeam(a, team()), [true, true, false, false]],
	[
		'archive team in other department',
		(a) => policy.archiveTeam(a, team(TEAM_IN_OTHER_DEPT, OTHER_DEPT)),
		[true, false, false, false]
	],
	[
		'place member of own team in own team',
		(a) =>
			policy.assignPerson(a, person(), { role: 'team_member', departmentId: DEPT, teamId: TEAM }),
		[true, true, true, false]
	],
	[
		'place unassigned person in own team',
		(a) =>
			policy.assignPerson(a, person({ departmentId: null, teamId: null }), {
				role: 'team_member',
				departmentId: DEPT,
				teamId: TEAM
			}),
		[true, true, true, false]
	],
	[
		'place person into another team of own department',
		(a) =>
			policy.assignPerson(a, person(), {
				role: 'team_member',
				departmentId: DEPT,
				teamId: OTHER_TEAM_SAME_DEPT
			}),
		[true, true, false, false]
	],
	[
		'place person into another department',
		(a) =>
			policy.assignPerson(a, person(), {
				role: 'team_member',
				departmentId: OTHER_DEPT,
				teamId: TEAM_IN_OTHER_DEPT
			}),
		[true, false, false, false]
	],
	[
		'edit member of another team',
		(a) =>
			policy.assignPerson(a, person({ teamId: OTHER_TEAM_SAME_DEPT }), {
				role: 'team_member',
				departmentId: DEPT,
				teamId: OTHER_TEAM_SAME_DEPT
			}),
		[true, true, false, false]
	],
	[
		'edit person of another department',
		(a) =>
			policy.assignPerson(a, person({ departmentId: OTHER_DEPT, teamId: TEAM_IN_OTHER_DEPT }), {
				role: 'team_member',
				departmentId: OTHER_DEPT,
				teamId: TEAM_IN_OTHER_DEPT
			}),
		[true, false, false, false]
	],
	[
		'make someone Team Manager',
		(a) =>
			policy.assignPerson(a, person(), { role: 'team_manager', departmentId: DEPT, teamId: TEAM }),
		[true, true, false, false]
	],
	[
		'make someone Department Head',
		(a) =>
			policy.assignPerson(a, person(), {
				role: 'department_head',
				departmentId: DEPT,
				teamId: null
			}),
		[true, false, false, false]
	],
	[
		'make someone Super Admin',
		(a) =>
			policy.assignPerson(a, person(), { role: 'super_admin', departmentId: null, teamId: null }),
		[true, false, false, false]
	],
	[
		'edit a peer of equal rank',
		(a) =>
			policy.assignPerson(a, person({ id: 'peer', role: a.role }), {
				role: a.role,
				departmentId: DEPT,
				teamId: TEAM
			}),
		[true, false, false, false]
	],
	[
		'edit person of another organization',
		(a) =>
			policy.assignPerson(a, person({ orgId: OTHER_ORG }), {
				role: 'team_member',
				departmentId: DEPT,
				teamId: TEAM
			}),
		[false, false, false, false]
	],
	[
		'deactivate member of own department',
		(a) => policy.deactivatePerson(a, person()),
		[true, true, false, false]
	],
	[
		'deactivate member of other department',
		(a) =>
			policy.deactivatePerson(a, person({ departmentId: OTHER_DEPT, teamId: TEAM_IN_OTHER_DEPT })),
		[true, false, false, false]
	],
	[
		'deactivate a Department Head',
		(a) => policy.deactivatePerson(a, person({ role: 'department_head', teamId: null })),
		[true, false, false, false]
	],
	[
		'deactivate oneself',
		(a) => policy.deactivatePerson(a, person({ id: a.id, role: a.role })),
		[false, false, false, false]
	],
	['approve new members', (a) => policy.approveMember(a, org), [true, true, false, false]],
	['edit own profile', (a) => policy.editOwnProfile(a), [true, true, true, true]]
];

describe('policy: every role × action', () => {
	for (const [name, check, expected] of table) {
		describe(name, () => {
			roles.forEach((role, index) => {
				it(`${role} → ${expected[index] ? 'allowed' : 'refused'}`, () => {
					expect(check(actor(role))).toBe(expected[index]);
				});
			});
		});
	}
});

describe('policy: inactive people may do nothing', () => {
	for (const status of ['pending', 'deactivated'] as const) {
		for (const [name, check] of table) {
			it(`${status} super admin cannot: ${name}`, () => {
				expect(check(actor('super_admin', { status }))).toBe(false);
			});
		}
	}
});

describe('policy: a Super Admin cannot demote themselves', () => {
	it('refuses a role change of oneself', () => {
		const admin = actor('super_admin');
		const self = person({ id: admin.id, role: 'super_admin', departmentId: null, teamId: null });
		expect(
			policy.assignPerson(admin, self, { role: 'team_member', departmentId: null, teamId: null })
		).toBe(false);
		expect(
			policy.assignPerson(admin, self, { role: 'super_admin', departmentId: DEPT, teamId: null })
		).toBe(true);
	});
});
