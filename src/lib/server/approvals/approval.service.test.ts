import { beforeAll, expect, it } from 'vitest';
import { describeEachApp } from '../testing/each-database.ts';
import { errorCode } from '../testing/error-code.ts';
import type { SessionUser } from '#shared/api/auth.schema.ts';
import {
	decideApprovalSchema,
	requestAnnouncementSchema,
	requestProjectRoomSchema
} from '#shared/api/approvals.schema.ts';

/**
 * Approval workflows on the real database: each request is routed by org position, decided with
 * a reason, audited, told to the requester, and takes effect by itself.
 */
describeEachApp('approval workflows on %s', (app) => {
	let admin: SessionUser;
	let joinCode: string;
	let manager: SessionUser;
	let head: SessionUser;
	let member: SessionUser;
	let colleague: SessionUser;
	let outsider: SessionUser;

	beforeAll(async () => {
		const org = await app.createOrganization('Approvals Co');
		admin = org.admin;
		joinCode = org.joinCode;
		const eng = await app.org.createDepartment(admin, { name: 'Engineering' });
		const platform = await app.org.createTeam(admin, { name: 'Platform', departmentId: eng.id });
		const web = await app.org.createTeam(admin, { name: 'Web', departmentId: eng.id });
		const place = (name: string, placement: Record<string, string>) =>
			app.joinPlaced(org, name, placement);
		head = await place('Hedy Head', { departmentId: eng.id, role: 'department_head' });
		manager = await place('Max Manager', { teamId: platform.id, role: 'team_manager' });
		member = await place('Mia Member', { teamId: platform.id, role: 'team_member' });
		colleague = await place('Cal Colleague', { teamId: platform.id, role: 'team_member' });
		outsider = await place('Otto Other', { teamId: web.id, role: 'team_manager' });
	});

	const approve = (reason = '') => decideApprovalSchema.parse({ decision: 'approve', reason });
	const reject = (reason: string) => decideApprovalSchema.parse({ decision: 'reject', reason });
	/** A private group of the manager's (its owner, who decides who joins). */
	const privateGroup = (name: string) =>
		app.channels.create(manager, { kind: 'private', name, topic: '', memberIds: [] });
	const inFuture = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
	const audit = async (targetId: string) =>
		(
			await app.database.sql<{ action: string; actorId: string }[]>`
				select action, actor_id as "actorId" from audit_log where target_id = ${targetId}
				order by id`
		).map((row) => `${row.action}:${row.actorId}`);
	const feedEvents = async (person: SessionUser, kind: string) =>
		(await app.feed.feed.after(person.id, 0, 1000))
			.filter((row) => row.kind === kind)
			.map((row) => row.data);
	const approvalNotices = async (person: SessionUser) =>
		app.database.sql<{ snippet: string; messageId: string }[]>`
			select snippet, message_id as "messageId" from notifications
			where user_id = ${person.id} and reason = 'approval' order by created_at`;

	it('routes a project room to the team manager, who approves it: the room exists with its people', async () => {
		const asked = await app.approvals.requestProjectRoom(
			member,
			requestProjectRoomSchema.parse({
				name: 'Launch',
				topic: 'Q3 launch',
				memberIds: [colleague.id],
				endsAt: inFuture(30),
				note: 'For the launch week'
			})
		);
		expect(asked).toMatchObject({
			status: 'pending',
			approver: { id: manager.id },
			approverRole: 'team_manager'
		});
		expect((await app.approvals.inbox(manager)).pending.map((r) => r.id)).toContain(asked.id);
		expect(await app.approvals.pendingCount(manager)).toBe(1);
		// The manager's screens read their badge again at once (the live feed).
		expect(await feedEvents(manager, 'approvals.changed')).toContainEqual({ requestId: asked.id });
		expect(await feedEvents(head, 'approvals.changed')).not.toContainEqual({
			requestId: asked.id
		});
		expect((await app.approvals.inbox(head)).pending.map((r) => r.id)).not.toContain(asked.id);

		const decided = await app.approvals.decide(manager, asked.id, approve('Go ahead'));
		expect(decided).toMatchObject({ status: 'approved', reason: 'Go ahead' });
		expect(decided.effectedAt).not.toBeNull();
		const room = await app.channels.detail(member, decided.channelId!);
		expect(room).toMatchObject({ kind: 'project', name: 'Launch', topic: 'Q3 launch' });
		expect(room.members.map((m) => m.id).sort()).toEqual([member.id, colleague.id].sort());
		expect(room.access.manage).toBe(true);
		expect(await app.approvals.pendingCount(manager)).toBe(0);
		expect(await audit(asked.id)).toEqual([
			`approval.request:${member.id}`,
			`approval.approve:${manager.id}`
		]);
		expect((await approvalNotices(member)).at(-1)).toMatchObject({
			messageId: asked.id,
			snippet: expect.stringContaining('Approved')
		});
	});

	it('lets a member into a private group once its owner approves, and tells them', async () => {
		const group = await privateGroup('Leads');
		await expect(app.channels.detail(member, group.id)).rejects.toThrow();
		const asked = await app.approvals.requestGroupMembership(member, group.id, { note: 'Please' });
		expect(asked).toMatchObject({ approver: { id: manager.id }, approverRole: 'group_owner' });
		// Asking twice finds the first: nothing new.
		expect(
			await errorCode(app.approvals.requestGroupMembership(member, group.id, { note: '' }))
		).toBe('CONFLICT');
		expect((await app.approvals.mine(member))[0]).toMatchObject({ subject: 'A private group' });

		await app.approvals.decide(manager, asked.id, approve());
		const seen = await app.channels.detail(member, group.id);
		expect(seen.members.map((m) => m.id)).toContain(member.id);
		expect((await app.channels.list(member)).map((c) => c.id)).toContain(group.id);
		expect(
			await errorCode(app.approvals.requestGroupMembership(member, group.id, { note: '' }))
		).toBe('ALREADY_ALLOWED');
	});

	it('rejects with a reason: nothing is made, the requester is told without the group’s name', async () => {
		const group = await privateGroup('Secret Plans');
		const asked = await app.approvals.requestGroupMembership(colleague, group.id, { note: '' });
		const decided = await app.approvals.decide(manager, asked.id, reject('Leads only'));
		expect(decided).toMatchObject({ status: 'rejected', reason: 'Leads only', effectedAt: null });
		await expect(app.channels.detail(colleague, group.id)).rejects.toThrow();
		const notice = (await approvalNotices(colleague)).at(-1)!;
		expect(notice.snippet).toContain('Rejected');
		expect(notice.snippet).toContain('Leads only');
		expect(notice.snippet).not.toContain('Secret Plans');
		expect(await audit(asked.id)).toContain(`approval.reject:${manager.id}`);
	});

	it('routes an announcement to the department head and a join of the organization to the Super Admins', async () => {
		const post = await app.approvals.requestAnnouncement(
			member,
			requestAnnouncementSchema.parse({ text: 'Office closed Friday' })
		);
		expect(post).toMatchObject({ approver: { id: head.id }, approverRole: 'department_head' });
		expect(
			await errorCode(
				app.approvals.requestAnnouncement(head, requestAnnouncementSchema.parse({ text: 'x' }))
			)
		).toBe('ALREADY_ALLOWED');
		const decided = await app.approvals.decide(head, post.id, approve());
		// Published by the job into the document (server/collab/approvals.test.ts): not here.
		expect(decided).toMatchObject({ status: 'approved', effectedAt: null });

		await app.org.updateJoinCode(admin, { requireApproval: true });
		const waiting = await app.askToJoin({ admin, joinCode }, 'Nia Newcomer');
		expect(waiting).toMatchObject({
			approver: null,
			approverRole: 'super_admin',
			subject: 'Nia Newcomer'
		});
		expect((await app.approvals.inbox(head)).pending.map((r) => r.id)).not.toContain(waiting.id);
		await app.approvals.decide(admin, waiting.id, approve('Welcome'));
		const person = await app.people.people.find(waiting.requester.id);
		expect(person?.status).toBe('active');
		await app.org.updateJoinCode(admin, { requireApproval: false });
	});

	it('refuses bad decisions with stable codes and changes nothing', async () => {
		const asked = await app.approvals.requestProjectRoom(
			colleague,
			requestProjectRoomSchema.parse({ name: 'Side project', endsAt: inFuture(7) })
		);
		const before = await app.approvals.approvals.find(asked.id);
		expect(await errorCode(app.approvals.decide(colleague, asked.id, approve()))).toBe(
			'OWN_REQUEST'
		);
		expect(await errorCode(app.approvals.decide(outsider, asked.id, approve()))).toBe(
			'NOT_APPROVER'
		);
		expect(await errorCode(app.approvals.decide(member, asked.id, reject('no')))).toBe(
			'NOT_APPROVER'
		);
		expect(await app.approvals.approvals.find(asked.id)).toEqual(before);
		await app.approvals.decide(manager, asked.id, reject('Not now'));
		expect(await errorCode(app.approvals.decide(manager, asked.id, approve()))).toBe(
			'ALREADY_DECIDED'
		);
		expect(await errorCode(app.approvals.decide(admin, asked.id, approve()))).toBe(
			'ALREADY_DECIDED'
		);
		expect((await app.approvals.approvals.find(asked.id))?.status).toBe('rejected');
		// A Team Manager may create rooms: asking is refused.
		expect(
			await errorCode(
				app.approvals.requestProjectRoom(
					manager,
					requestProjectRoomSchema.parse({ name: 'Mine', endsAt: inFuture(7) })
				)
			)
		).toBe('ALREADY_ALLOWED');
	});

	// ——— Asking the deciders (issue 18's gap: only a badge told them) ———

	const requestNotices = async (person: SessionUser, requestId: string) =>
		app.database.sql<
			{ snippet: string; actorId: string; channelId: string; read: boolean; heldByDnd: boolean }[]
		>`
			select snippet, actor_id as "actorId", channel_id as "channelId",
				read_at is not null as read, held_by_dnd as "heldByDnd"
			from notifications
			where user_id = ${person.id} and reason = 'approval-request' and message_id = ${requestId}`;
	const createdNotices = async (person: SessionUser) =>
		(await feedEvents(person, 'notification.created')).map(
			(data) => (data as { notification: { reason: string; snippet: string } }).notification
		);

	it('notifies the group’s owner in real time that a member asks to join, and reads it once decided', async () => {
		const group = await privateGroup('Design Crew');
		const asked = await app.approvals.requestGroupMembership(member, group.id, {
			note: 'I draw the icons'
		});
		const [notice] = await requestNotices(manager, asked.id);
		expect(notice).toMatchObject({
			snippet: 'asks to join “Design Crew”: I draw the icons',
			actorId: member.id,
			channelId: group.id,
			read: false
		});
		// The bell of every open screen hears of it (the live feed), not only the badge.
		expect(await createdNotices(manager)).toContainEqual(
			expect.objectContaining({ reason: 'approval-request', snippet: notice!.snippet })
		);
		expect(await app.notifications.list(manager, { limit: 50, unread: true })).toMatchObject({
			notifications: expect.arrayContaining([
				expect.objectContaining({
					reason: 'approval-request',
					messageId: asked.id,
					actor: { id: member.id, name: 'Mia Member' }
				})
			])
		});
		// Nobody else is asked: not the requester, not a Super Admin.
		expect(await requestNotices(member, asked.id)).toEqual([]);
		expect(await requestNotices(admin, asked.id)).toEqual([]);

		await app.approvals.decide(manager, asked.id, reject('Full'));
		expect((await requestNotices(manager, asked.id))[0]?.read).toBe(true);
	});

	it.each([
		['a project room', 'asks to create the project room “Offsite”'],
		['an announcement', 'asks to post an announcement: “Pizza on Friday”']
	])('says who asks for %s', async (what, text) => {
		const asked =
			what === 'a project room'
				? await app.approvals.requestProjectRoom(
						colleague,
						requestProjectRoomSchema.parse({ name: 'Offsite', endsAt: inFuture(3) })
					)
				: await app.approvals.requestAnnouncement(
						colleague,
						requestAnnouncementSchema.parse({ text: 'Pizza on Friday\nin the kitchen' })
					);
		const approver = what === 'a project room' ? manager : head;
		expect(await requestNotices(approver, asked.id)).toMatchObject([
			{ snippet: text, actorId: colleague.id, read: false }
		]);
		await app.approvals.decide(approver, asked.id, reject('Not now'));
		expect((await requestNotices(approver, asked.id))[0]?.read).toBe(true);
	});

	it('asks every Super Admin to let a newcomer in as their settings say; one deciding reads the others’', async () => {
		const org = await app.createOrganization('Gatekeepers Co');
		const second = await app.joinPlaced(org, 'Sue Second', { role: 'super_admin' });
		const quiet = await app.joinPlaced(org, 'Quinn Quiet', { role: 'super_admin' });
		await app.notifications.updatePreferences(quiet, {
			level: 'nothing',
			dnd: { enabled: false, days: [1], from: '18:00', to: '09:00', timeZone: 'UTC' }
		});
		await app.org.updateJoinCode(org.admin, { requireApproval: true });

		const waiting = await app.askToJoin(org, 'Nora New');
		for (const decider of [org.admin, second]) {
			expect(await requestNotices(decider, waiting.id)).toMatchObject([
				{ snippet: 'asks to join the organization', read: false }
			]);
		}
		// Quinn asked for nothing: no notification, the inbox still lists it.
		expect(await requestNotices(quiet, waiting.id)).toEqual([]);
		expect((await app.approvals.inbox(quiet)).pending.map((r) => r.id)).toContain(waiting.id);

		await app.approvals.decide(second, waiting.id, approve('Welcome'));
		expect((await requestNotices(org.admin, waiting.id))[0]?.read).toBe(true);
		expect((await requestNotices(second, waiting.id))[0]?.read).toBe(true);
		// The admin's open screens drop it from the bell's unread count.
		expect(await feedEvents(org.admin, 'notification.read')).toContainEqual({
			ids: [
				(
					await app.database.sql<{ id: string }[]>`
						select id from notifications where user_id = ${org.admin.id}
							and message_id = ${waiting.id}`
				)[0]!.id
			]
		});
		await app.org.updateJoinCode(org.admin, { requireApproval: false });
	});

	// ——— One decision, wherever it is made (the People page or the inbox) ———

	it('decides the request to join when the People page approves or declines the person', async () => {
		const org = await app.createOrganization('One Door Co');
		const second = await app.joinPlaced(org, 'Sam Second', { role: 'super_admin' });
		await app.org.updateJoinCode(org.admin, { requireApproval: true });

		const penny = await app.askToJoin(org, 'Penny Pending');
		expect(await app.people.approve(second, penny.requester.id)).toMatchObject({
			status: 'active'
		});
		expect(await app.approvals.approvals.find(penny.id)).toMatchObject({
			status: 'approved',
			decidedBy: second.id
		});
		expect(await audit(penny.id)).toEqual([`approval.approve:${second.id}`]);
		expect(await audit(penny.requester.id)).toContain(`person.approve:${second.id}`);
		expect((await app.approvals.inbox(second)).decided.map((r) => r.id)).toContain(penny.id);
		expect((await requestNotices(org.admin, penny.id))[0]?.read).toBe(true);
		// Told as in the inbox: a notification of the decision for the newcomer.
		expect(
			(
				await app.database.sql<{ snippet: string }[]>`
				select snippet from notifications
				where user_id = ${penny.requester.id} and reason = 'approval'
					and message_id = ${penny.id}`
			)[0]?.snippet
		).toContain('Approved: joining the organization');

		const dan = await app.askToJoin(org, 'Dan Declined');
		expect(await app.people.decline(org.admin, dan.requester.id)).toMatchObject({
			status: 'deactivated'
		});
		expect(await app.approvals.approvals.find(dan.id)).toMatchObject({
			status: 'rejected',
			decidedBy: org.admin.id
		});
		expect(await audit(dan.id)).toEqual([`approval.reject:${org.admin.id}`]);
		expect((await requestNotices(second, dan.id))[0]?.read).toBe(true);

		// Deactivating someone waiting (the older way to decline) decides it too.
		const deb = await app.askToJoin(org, 'Deb Deactivated');
		await app.people.deactivate(second, deb.requester.id);
		expect((await app.approvals.approvals.find(deb.id))?.status).toBe('rejected');

		// The inbox still activates the person, as before.
		const ian = await app.askToJoin(org, 'Ian Inbox');
		await app.approvals.decide(org.admin, ian.id, approve());
		expect((await app.people.people.find(ian.requester.id))?.status).toBe('active');

		// Deciding again, from the other place, is refused with a stable code and changes nothing.
		const again: [string, () => Promise<unknown>][] = [
			['inbox after the People page', () => app.approvals.decide(org.admin, penny.id, reject('x'))],
			['inbox after a decline', () => app.approvals.decide(second, dan.id, approve())],
			['People page after the inbox', () => app.people.approve(second, ian.requester.id)],
			['decline after the inbox', () => app.people.decline(second, ian.requester.id)],
			['People page after a decline', () => app.people.approve(org.admin, dan.requester.id)]
		];
		for (const [, attempt] of again) expect(await errorCode(attempt())).toBe('ALREADY_DECIDED');
		expect((await app.people.people.find(ian.requester.id))?.status).toBe('active');
		expect((await app.people.people.find(dan.requester.id))?.status).toBe('deactivated');
		expect((await app.approvals.approvals.find(penny.id))?.status).toBe('approved');
		await app.org.updateJoinCode(org.admin, { requireApproval: false });
	});
});
