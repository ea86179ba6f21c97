import { expect, it } from 'vitest';
import { describeEachApp } from '../testing/each-database.ts';
import { errorCode } from '../testing/error-code.ts';
import { engineeringOrganization } from '../testing/org-fixture.ts';

describeEachApp('organization structure and people on %s', (app) => {
	/** A fresh organization: Engineering (Platform, Mobile) and Sales (Field) with people placed. */
	async function organization() {
		const base = await engineeringOrganization(app);
		const sales = await app.org.createDepartment(base.admin, { name: 'Sales' });
		const field = await app.org.createTeam(base.admin, { name: 'Field', departmentId: sales.id });
		const seller = await base.place('Sam Seller', {
			teamId: field.id,
			role: 'team_member',
			title: 'Account Executive'
		});
		return { ...base, sales, field, seller };
	}

	it('creates, renames, moves and archives departments and teams, auditing each action', async () => {
		const o = await organization();
		await app.org.updateDepartment(o.admin, o.sales.id, { name: 'Sales & Partnerships' });
		await app.org.updateTeam(o.admin, o.mobile.id, { departmentId: o.sales.id });
		const moved = await app.people.directory(o.admin, {
			q: 'Moe Mobile',
			limit: 5,
			offset: 0,
			includeInactive: false
		});
		expect(moved.people[0]!.departmentName).toBe('Sales & Partnerships');
		await app.org.updateTeam(o.admin, o.field.id, { archived: true });
		const structure = await app.org.listStructure(o.admin);
		expect(structure.teams.find((t) => t.id === o.field.id)?.archived).toBe(true);
		const audit = await app.audit.list(o.admin, { limit: 100 });
		const actions = audit.map((entry) => entry.action);
		expect(actions).toEqual(
			expect.arrayContaining([
				'department.create',
				'team.create',
				'department.update',
				'team.move',
				'team.archive',
				'person.assign'
			])
		);
		const move = audit.find((entry) => entry.action === 'team.move')!;
		expect(move.actorName).toBe('Ada Admin');
		expect(move.before).toMatchObject({ departmentId: o.engineering.id });
		expect(move.after).toMatchObject({ departmentId: o.sales.id });
	});

	it('refuses to archive a department that still has active teams', async () => {
		const o = await organization();
		expect(
			await errorCode(app.org.updateDepartment(o.admin, o.engineering.id, { archived: true }))
		).toBe('CONFLICT');
	});

	it('lets a Team Manager rename their own team but not another team, changing nothing', async () => {
		const o = await organization();
		await app.org.updateTeam(o.manager, o.platform.id, { name: 'Platform Core' });
		expect(await errorCode(app.org.updateTeam(o.manager, o.mobile.id, { name: 'Hijacked' }))).toBe(
			'FORBIDDEN'
		);
		expect(
			await errorCode(app.people.assign(o.manager, o.mobileDev.id, { teamId: o.platform.id }))
		).toBe('FORBIDDEN');
		const structure = await app.org.listStructure(o.admin);
		expect(structure.teams.find((t) => t.id === o.mobile.id)?.name).toBe('Mobile');
		const mobileDev = await app.people.directory(o.admin, {
			q: 'Moe Mobile',
			limit: 1,
			offset: 0,
			includeInactive: false
		});
		expect(mobileDev.people[0]!.teamId).toBe(o.mobile.id);
	});

	it('lets a Department Head manage their department only', async () => {
		const o = await organization();
		const team = await app.org.createTeam(o.head, { name: 'Data', departmentId: o.engineering.id });
		expect(team.departmentId).toBe(o.engineering.id);
		await app.people.assign(o.head, o.member.id, { teamId: o.mobile.id, role: 'team_manager' });
		expect(
			await errorCode(app.org.createTeam(o.head, { name: 'Nope', departmentId: o.sales.id }))
		).toBe('FORBIDDEN');
		expect(await errorCode(app.people.assign(o.head, o.seller.id, { teamId: o.platform.id }))).toBe(
			'FORBIDDEN'
		);
		expect(
			await errorCode(app.people.assign(o.head, o.member.id, { role: 'department_head' }))
		).toBe('FORBIDDEN');
		expect(await errorCode(app.org.createDepartment(o.head, { name: 'Shadow IT' }))).toBe(
			'FORBIDDEN'
		);
	});

	it('keeps people of another organization out of reach', async () => {
		const o = await organization();
		const other = await app.createOrganization('Other Org');
		expect(
			await errorCode(app.people.assign(other.admin, o.member.id, { role: 'team_manager' }))
		).toBe('NOT_FOUND');
		expect(await errorCode(app.org.updateTeam(other.admin, o.platform.id, { name: 'x' }))).toBe(
			'NOT_FOUND'
		);
		const directory = await app.people.directory(other.admin, {
			limit: 50,
			offset: 0,
			includeInactive: false
		});
		expect(directory.people.map((p) => p.id)).not.toContain(o.member.id);
	});

	it('searches the directory by name, title, department, team and role', async () => {
		const o = await organization();
		const names = async (q: string) =>
			(
				await app.people.directory(o.member, { q, limit: 50, offset: 0, includeInactive: false })
			).people.map((p) => p.name);
		expect(await names('mia')).toEqual(['Mia Member']);
		expect(await names('reliability')).toEqual(['Mia Member']);
		expect(await names('sales')).toEqual(['Sam Seller']);
		expect(await names('mobile')).toEqual(['Moe Mobile']);
		expect(await names('team manager')).toEqual(['Manny Manager']);
		expect((await names('')).length).toBe(6);
		expect(await names('100%_')).toEqual([]);
	});

	it('draws the org chart: departments with heads, teams with managers and members', async () => {
		const o = await organization();
		const chart = await app.people.orgChart(o.member);
		expect(chart.superAdmins.map((p) => p.name)).toEqual(['Ada Admin']);
		const engineering = chart.departments.find((d) => d.id === o.engineering.id)!;
		expect(engineering.heads.map((p) => p.name)).toEqual(['Hannah Head']);
		const platform = engineering.teams.find((t) => t.id === o.platform.id)!;
		expect(platform.managers.map((p) => p.name)).toEqual(['Manny Manager']);
		expect(platform.members.map((p) => p.name)).toEqual(['Mia Member']);
	});

	it('validates placements: archived or foreign teams are refused', async () => {
		const o = await organization();
		await app.org.updateTeam(o.admin, o.field.id, { archived: true });
		expect(await errorCode(app.people.assign(o.admin, o.member.id, { teamId: o.field.id }))).toBe(
			'CONFLICT'
		);
		const other = await app.createOrganization('Elsewhere');
		const foreign = await app.org.createDepartment(other.admin, { name: 'Foreign' });
		expect(
			await errorCode(app.people.assign(o.admin, o.member.id, { departmentId: foreign.id }))
		).toBe('NOT_FOUND');
	});

	it('announces changes so open connections can follow them', async () => {
		const o = await organization();
		const seen: unknown[] = [];
		const off = app.events.on('person.changed', (event) => seen.push(event));
		await app.people.assign(o.admin, o.member.id, { teamId: o.mobile.id });
		off();
		expect(seen).toEqual([{ orgId: o.admin.orgId, personId: o.member.id }]);
	});

	it('shows the audit log and join code to Super Admins only', async () => {
		const o = await organization();
		expect(await errorCode(app.audit.list(o.head, { limit: 10 }))).toBe('FORBIDDEN');
		expect(await errorCode(app.org.getJoinCode(o.head))).toBe('FORBIDDEN');
		expect(await errorCode(app.org.rotateJoinCode(o.manager))).toBe('FORBIDDEN');
		expect((await app.org.getJoinCode(o.admin)).joinCode).toBe(o.joinCode);
	});
});
