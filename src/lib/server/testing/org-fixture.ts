import type { SessionUser } from '#shared/api/auth.schema.ts';
import type { AssignPersonInput } from '#shared/api/org.schema.ts';
import type { TestApp } from './test-app.ts';

type Unit = Pick<AssignPersonInput, 'teamId' | 'departmentId'>;

/**
 * A fresh organization with the department Engineering, headed by Hannah Head (VP Engineering),
 * and its teams Platform (Manny Manager, its manager, and Mia Member, a Site Reliability
 * Engineer) and Mobile (Moe Mobile, an iOS Developer, and no manager); `place` registers another
 * person with the join code, places them and returns them as a new session of theirs sees them.
 */
export async function engineeringOrganization(app: TestApp, name?: string) {
	const org = await app.createOrganization(name);
	const engineering = await app.org.createDepartment(org.admin, { name: 'Engineering' });
	const team = (teamName: string) =>
		app.org.createTeam(org.admin, { name: teamName, departmentId: engineering.id });
	const platform = await team('Platform');
	const mobile = await team('Mobile');
	const place = (person: string, placement: AssignPersonInput): Promise<SessionUser> =>
		app.joinPlaced(org, person, placement);
	// Placed as a role, with a title, in a department or a team.
	const placeAs = (person: string, role: AssignPersonInput['role'], title: string, unit: Unit) =>
		place(person, { ...unit, role, title });
	const head = await placeAs('Hannah Head', 'department_head', 'VP Engineering', {
		departmentId: engineering.id
	});
	const inPlatform = { teamId: platform.id };
	const manager = await placeAs('Manny Manager', 'team_manager', 'Engineering Manager', inPlatform);
	const member = await placeAs(
		'Mia Member',
		'team_member',
		'Site Reliability Engineer',
		inPlatform
	);
	const mobileDev = await placeAs('Moe Mobile', 'team_member', 'iOS Developer', {
		teamId: mobile.id
	});
	return { ...org, engineering, platform, mobile, place, head, manager, member, mobileDev };
}
