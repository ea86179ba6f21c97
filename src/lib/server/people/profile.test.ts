import { expect, it } from 'vitest';
import { describeEachApp } from '../testing/each-database.ts';
import { errorCode } from '../testing/error-code.ts';
import { engineeringOrganization } from '../testing/org-fixture.ts';

/** Issue 14, "people are not dead ends": one person's card, with the manager they report to. */
describeEachApp('profile cards on %s', (app) => {
	/** Engineering (head Hannah) with Platform (manager Manny, member Mia) and Mobile (no manager). */
	async function organization() {
		const base = await engineeringOrganization(app, 'Profile Works');
		const floater = await base.place('Fay Floater', {
			departmentId: base.engineering.id,
			role: 'team_member'
		});
		return { ...base, floater };
	}

	it('gives each person the manager they report to', async () => {
		const o = await organization();
		const managerOf = async (id: string) =>
			(await app.people.profile(o.member, id)).manager?.name ?? null;

		const mia = await app.people.profile(o.member, o.member.id);
		expect(mia).toMatchObject({
			name: 'Mia Member',
			title: 'Site Reliability Engineer',
			role: 'team_member',
			status: 'active',
			teamName: 'Platform',
			departmentName: 'Engineering'
		});
		expect(mia.manager?.name, 'a team member reports to the team manager').toBe('Manny Manager');
		expect(await managerOf(o.manager.id), 'a team manager reports to the head').toBe('Hannah Head');
		expect(await managerOf(o.mobileDev.id), 'a team without a manager: the head').toBe(
			'Hannah Head'
		);
		expect(await managerOf(o.floater.id), 'in a department without a team: the head').toBe(
			'Hannah Head'
		);
		expect(await managerOf(o.head.id), 'a department head').toBeNull();
		expect(await managerOf(o.admin.id), 'a Super Admin').toBeNull();

		// A deactivated manager manages nobody: Mia reports to the head then.
		await app.people.deactivate(o.admin, o.manager.id);
		expect(await managerOf(o.member.id), 'after the manager was deactivated').toBe('Hannah Head');
		// Their own card still opens, saying they are deactivated.
		const manny = await app.people.profile(o.member, o.manager.id);
		expect(manny.status).toBe('deactivated');
	});

	it('shows people of the same organization only, with a stable error code', async () => {
		const o = await organization();
		const other = await app.createOrganization('Elsewhere Inc');
		expect(await errorCode(app.people.profile(other.admin, o.member.id))).toBe('NOT_FOUND');
		expect(await errorCode(app.people.profile(o.member, other.admin.id))).toBe('NOT_FOUND');
		// The same answer as an id that belongs to nobody: the refusal tells nothing more.
		expect(
			await errorCode(app.people.profile(o.member, '00000000-0000-4000-8000-000000000000'))
		).toBe('NOT_FOUND');
		expect((await app.people.profile(o.member, o.admin.id)).name).toBe('Ada Admin');
	});
});
