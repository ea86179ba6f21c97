import { expect, it } from 'vitest';
import { describeEachApp } from '../testing/each-database.ts';
import { errorCode } from '../testing/error-code.ts';
import type { SessionUser } from '#shared/api/auth.schema.ts';
import type { AssignPersonInput } from '#shared/api/org.schema.ts';
import { createChannelSchema } from '#shared/api/channels.schema.ts';

describeEachApp('channels on %s', (app) => {
	async function organization() {
		const { admin, joinCode } = await app.createOrganization();
		const eng = await app.org.createDepartment(admin, { name: 'Engineering' });
		const sales = await app.org.createDepartment(admin, { name: 'Sales' });
		const platform = await app.org.createTeam(admin, { name: 'Platform', departmentId: eng.id });
		const field = await app.org.createTeam(admin, { name: 'Field', departmentId: sales.id });
		const person = (name: string, placement: AssignPersonInput) =>
			app.joinPlaced({ admin, joinCode }, name, placement);
		const head = await person('Hedy Head', { departmentId: eng.id, role: 'department_head' });
		const manager = await person('Max Manager', { teamId: platform.id, role: 'team_manager' });
		const dev = await person('Dana Dev', { teamId: platform.id, role: 'team_member' });
		const seller = await person('Sid Seller', { teamId: field.id, role: 'team_member' });
		return { admin, eng, sales, platform, field, head, manager, dev, seller };
	}

	const names = async (user: SessionUser) =>
		(await app.channels.list(user)).map((c) => `${c.kind}:${c.name}`).sort();

	it('creates announcement, department and team channels with the structure, visible by membership', async () => {
		const o = await organization();
		expect(await names(o.dev)).toEqual([
			'announcements:Official Announcements',
			'department:Engineering',
			'team:Platform'
		]);
		expect(await names(o.seller)).toEqual([
			'announcements:Official Announcements',
			'department:Sales',
			'team:Field'
		]);
		// The head of Engineering moderates its team channels too; a Super Admin sees all structural channels.
		expect(await names(o.head)).toEqual([
			'announcements:Official Announcements',
			'department:Engineering',
			'team:Platform'
		]);
		expect((await names(o.admin)).length).toBe(5);
	});

	it('moves people between channels when they move between teams', async () => {
		const o = await organization();
		await app.people.assign(o.admin, o.dev.id, { teamId: o.field.id });
		const moved = await app.sessionUser(o.dev.id);
		expect(await names(moved)).toEqual([
			'announcements:Official Announcements',
			'department:Sales',
			'team:Field'
		]);
		const platformChannel = (await app.channels.list(o.admin)).find((c) => c.name === 'Platform')!;
		expect(await errorCode(app.channels.access(moved, platformChannel.id))).toBe('NOT_FOUND');
	});

	it('gives announcements to everyone to read and react, and to heads and admins to post', async () => {
		const o = await organization();
		const id = (await app.channels.list(o.dev)).find((c) => c.kind === 'announcements')!.id;
		expect((await app.channels.access(o.dev, id)).access).toMatchObject({
			read: true,
			react: true,
			post: false
		});
		expect((await app.channels.access(o.manager, id)).access.post).toBe(false);
		expect((await app.channels.access(o.head, id)).access.post).toBe(true);
		expect((await app.channels.access(o.admin, id)).access).toMatchObject({
			post: true,
			moderate: true,
			manage: true
		});
	});

	it('keeps private groups invisible to non-members, even to Super Admins', async () => {
		const o = await organization();
		const group = await app.createPrivateGroup(o.dev, 'secret-plans', [o.manager.id]);
		expect(await names(o.manager)).toContain('private:secret-plans');
		expect(await names(o.admin)).not.toContain('private:secret-plans');
		expect(await errorCode(app.channels.detail(o.admin, group.id))).toBe('NOT_FOUND');
		expect(await errorCode(app.channels.detail(o.seller, group.id))).toBe('NOT_FOUND');
		expect(
			await errorCode(app.channels.addMembers(o.seller, group.id, { userIds: [o.seller.id] }))
		).toBe('NOT_FOUND');
	});

	it('lets Team Managers and above create project rooms, which turn read-only after their end', async () => {
		const o = await organization();
		const input = {
			kind: 'project' as const,
			name: 'Launch',
			topic: 'Q1 launch',
			memberIds: [o.dev.id, o.seller.id],
			endsAt: new Date(Date.now() + 86_400_000).toISOString()
		};
		expect(await errorCode(app.channels.create(o.dev, input))).toBe('FORBIDDEN');
		const room = await app.channels.create(o.manager, input);
		expect(room.members.map((m) => m.name).sort()).toEqual([
			'Dana Dev',
			'Max Manager',
			'Sid Seller'
		]);
		expect((await app.channels.access(o.seller, room.id)).access.post).toBe(true);
		await app.database
			.sql`update channels set ends_at = now() - interval '1 second' where id = ${room.id}`;
		expect((await app.channels.access(o.seller, room.id)).access).toMatchObject({
			read: true,
			post: false,
			react: false
		});
		const { endsAt: _endsAt, ...withoutEnd } = input;
		expect(createChannelSchema.safeParse(withoutEnd).success).toBe(false);
	});

	it('reopens the same direct conversation for the same people', async () => {
		const o = await organization();
		const first = await app.channels.openDm(o.dev, { memberIds: [o.seller.id] });
		const again = await app.channels.openDm(o.seller, { memberIds: [o.dev.id] });
		expect(again.id).toBe(first.id);
		const group = await app.channels.openDm(o.dev, { memberIds: [o.seller.id, o.manager.id] });
		expect(group.id).not.toBe(first.id);
		expect(
			(await app.channels.list(o.seller))
				.find((c) => c.id === first.id)
				?.partners.map((p) => p.name)
		).toEqual(['Dana Dev']);
		expect(await errorCode(app.channels.detail(o.head, first.id))).toBe('NOT_FOUND');
		expect(await errorCode(app.channels.openDm(o.dev, { memberIds: [o.dev.id] }))).toBe(
			'VALIDATION_FAILED'
		);
	});

	it('lets only managers of a channel change its settings and members, and announces it', async () => {
		const o = await organization();
		const room = await app.createPrivateGroup(o.manager, 'design-crit', [o.dev.id]);
		expect(await errorCode(app.channels.update(o.dev, room.id, { topic: 'hijack' }))).toBe(
			'FORBIDDEN'
		);
		const events: unknown[] = [];
		const off = app.events.on('channel.changed', (event) => events.push(event));
		await app.channels.update(o.manager, room.id, {
			topic: 'Weekly critique',
			postPolicy: 'moderators'
		});
		await app.channels.addMembers(o.manager, room.id, { userIds: [o.seller.id] });
		await app.channels.removeMember(o.manager, room.id, o.dev.id);
		off();
		expect(events).toHaveLength(3);
		const detail = await app.channels.detail(o.manager, room.id);
		expect(detail.topic).toBe('Weekly critique');
		expect(detail.members.map((m) => m.name).sort()).toEqual(['Max Manager', 'Sid Seller']);
		expect((await app.channels.access(o.seller, room.id)).access.post).toBe(false);
		const teamChannel = (await app.channels.list(o.manager)).find((c) => c.kind === 'team')!;
		expect(
			await errorCode(app.channels.update(o.manager, teamChannel.id, { name: 'Renamed' }))
		).toBe('CONFLICT');
		expect(
			await errorCode(
				app.channels.addMembers(o.manager, teamChannel.id, { userIds: [o.seller.id] })
			)
		).toBe('CONFLICT');
	});

	it('archives the team channel with its team and follows renames', async () => {
		const o = await organization();
		await app.org.updateTeam(o.admin, o.platform.id, { name: 'Platform Core' });
		const renamed = (await app.channels.list(o.dev)).find((c) => c.kind === 'team')!;
		expect(renamed.name).toBe('Platform Core');
		await app.people.assign(o.admin, o.dev.id, { teamId: o.field.id });
		await app.people.assign(o.admin, o.manager.id, { teamId: o.field.id });
		await app.org.updateTeam(o.admin, o.platform.id, { archived: true });
		const archived = (await app.channels.list(o.admin)).find((c) => c.id === renamed.id)!;
		expect(archived.archived).toBe(true);
		expect(archived.access.post).toBe(false);
	});
});
