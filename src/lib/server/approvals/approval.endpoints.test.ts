import { beforeAll, describe, expect, it } from 'vitest';
import { useServedApp } from '../testing/served-app.ts';
import type { SignedInPerson } from '../testing/test-app.ts';
import { availableDatabaseKinds } from '../testing/test-database.ts';
import { databaseFingerprint as fingerprint } from '../testing/database-fingerprint.ts';

/**
 * The approvals API over real HTTP: asking and deciding work, and bad input of every kind gets a
 * clear 4xx with a stable code and changes nothing (the database's fingerprint is the same after).
 */
const kind = (await availableDatabaseKinds()).at(-1)!;

describe(`approvals over HTTP (${kind})`, () => {
	const { app, send } = useServedApp(kind);
	let admin: SignedInPerson;
	let manager: SignedInPerson;
	let member: SignedInPerson;
	let other: SignedInPerson;
	let otherTeamManager: SignedInPerson;
	let group: string;
	let memberGroup: string;
	let pending: string;
	let decided: string;
	/** Newcomers waiting to join: let in by the inbox, declined on the People page, waiting. */
	let letIn: { requestId: string; personId: string };
	let declined: { requestId: string; personId: string };
	let waiting: { requestId: string; personId: string };

	const endsAt = () => new Date(Date.now() + 7 * 86_400_000).toISOString();

	beforeAll(async () => {
		const org = await app.createOrganization('Approvals HTTP Co');
		admin = { user: org.admin, token: org.token };
		const platform = await app.createTeam(org.admin, 'Platform', 'Engineering');
		const web = await app.createTeam(org.admin, 'Web', 'Design');
		[manager, member, other] = await app.joinTeam(org, platform.id, ['Max', 'Mia', 'Oli']);
		await app.people.assign(org.admin, manager.user.id, { role: 'team_manager' });
		manager.user = await app.sessionUser(manager.user.id);
		[otherTeamManager] = await app.joinTeam(org, web.id, ['Wes']);
		await app.people.assign(org.admin, otherTeamManager.user.id, { role: 'team_manager' });
		otherTeamManager.user = await app.sessionUser(otherTeamManager.user.id);
		const created = await app.channels.create(manager.user, {
			kind: 'private',
			name: 'Leads',
			topic: '',
			memberIds: []
		});
		group = created.id;
		memberGroup = (
			await app.channels.create(manager.user, {
				kind: 'private',
				name: 'Crew',
				topic: '',
				memberIds: [member.user.id]
			})
		).id;

		await app.org.updateJoinCode(org.admin, { requireApproval: true });
		const newcomer = async (name: string) => {
			const request = await app.askToJoin(org, name);
			return { requestId: request.id, personId: request.requester.id };
		};
		letIn = await newcomer('Ines');
		declined = await newcomer('Dora');
		waiting = await newcomer('Walt');
		await app.approvals.decide(org.admin, letIn.requestId, { decision: 'approve', reason: '' });
		await app.people.decline(org.admin, declined.personId);
	});

	it('asks, lists with the badge count, and decides', async () => {
		const asked = await send(member, 'POST', `/api/approvals/private-groups/${group}`, {
			note: 'I lead the Q3 work'
		});
		expect(asked.status).toBe(201);
		expect(asked.body).toMatchObject({ status: 'pending', approverRole: 'group_owner' });
		pending = (asked.body as { id: string }).id;

		const room = await send(member, 'POST', '/api/approvals/project-rooms', {
			name: 'Launch',
			endsAt: endsAt()
		});
		expect(room.status).toBe(201);
		decided = (room.body as { id: string }).id;
		const rejected = await send(manager, 'POST', `/api/approvals/${decided}/decision`, {
			decision: 'reject',
			reason: 'Use the team channel'
		});
		expect(rejected.status).toBe(200);
		expect(rejected.body).toMatchObject({ status: 'rejected', reason: 'Use the team channel' });

		const inbox = await send(manager, 'GET', '/api/approvals/inbox');
		expect(inbox.status).toBe(200);
		expect((inbox.body as { pending: { id: string }[] }).pending.map((r) => r.id)).toEqual([
			pending
		]);
		const mine = await send(member, 'GET', '/api/approvals/mine');
		expect((mine.body as { requests: unknown[] }).requests).toHaveLength(2);
	});

	const refusals: [string, () => [SignedInPerson, string, string, unknown?], number, string][] = [
		[
			'approving one’s own request',
			() => [member, 'POST', `/api/approvals/${pending}/decision`, { decision: 'approve' }],
			403,
			'OWN_REQUEST'
		],
		[
			'approving a request routed to someone else (a colleague)',
			() => [other, 'POST', `/api/approvals/${pending}/decision`, { decision: 'approve' }],
			403,
			'NOT_APPROVER'
		],
		[
			'approving a request routed to someone else (another team’s manager)',
			() => [
				otherTeamManager,
				'POST',
				`/api/approvals/${pending}/decision`,
				{ decision: 'approve' }
			],
			403,
			'NOT_APPROVER'
		],
		[
			'deciding an already decided request',
			() => [manager, 'POST', `/api/approvals/${decided}/decision`, { decision: 'approve' }],
			409,
			'ALREADY_DECIDED'
		],
		[
			'approving on the People page a person the inbox let in',
			() => [admin, 'POST', `/api/people/${letIn.personId}/approve`],
			409,
			'ALREADY_DECIDED'
		],
		[
			'declining on the People page a person the inbox let in',
			() => [admin, 'POST', `/api/people/${letIn.personId}/decline`],
			409,
			'ALREADY_DECIDED'
		],
		[
			'deciding in the inbox a request to join declined on the People page',
			() => [
				admin,
				'POST',
				`/api/approvals/${declined.requestId}/decision`,
				{ decision: 'approve' }
			],
			409,
			'ALREADY_DECIDED'
		],
		[
			'declining a newcomer without the right to',
			() => [member, 'POST', `/api/people/${waiting.personId}/decline`],
			403,
			'FORBIDDEN'
		],
		[
			'a malformed request id',
			() => [manager, 'POST', '/api/approvals/not-an-id/decision', { decision: 'approve' }],
			404,
			'NOT_FOUND'
		],
		[
			'an unknown request id',
			() => [
				manager,
				'POST',
				'/api/approvals/00000000-0000-4000-8000-000000000000/decision',
				{ decision: 'approve' }
			],
			404,
			'NOT_FOUND'
		],
		[
			'a rejection without a reason',
			() => [
				manager,
				'POST',
				`/api/approvals/${pending}/decision`,
				{ decision: 'reject', reason: '  ' }
			],
			422,
			'VALIDATION_FAILED'
		],
		[
			'a reason with control characters',
			() => [
				manager,
				'POST',
				`/api/approvals/${pending}/decision`,
				{ decision: 'reject', reason: 'no\u0000pe' }
			],
			400,
			'INVALID_TEXT'
		],
		[
			'a reason that is too long',
			() => [
				manager,
				'POST',
				`/api/approvals/${pending}/decision`,
				{ decision: 'reject', reason: 'x'.repeat(1001) }
			],
			422,
			'VALIDATION_FAILED'
		],
		[
			'an unknown decision',
			() => [manager, 'POST', `/api/approvals/${pending}/decision`, { decision: 'maybe' }],
			422,
			'VALIDATION_FAILED'
		],
		[
			'an unknown field',
			() => [
				manager,
				'POST',
				`/api/approvals/${pending}/decision`,
				{ decision: 'approve', status: 'approved' }
			],
			422,
			'VALIDATION_FAILED'
		],
		[
			'asking for a project room one may create oneself',
			() => [manager, 'POST', '/api/approvals/project-rooms', { name: 'Mine', endsAt: endsAt() }],
			409,
			'ALREADY_ALLOWED'
		],
		[
			'asking to join a group one is in already',
			() => [member, 'POST', `/api/approvals/private-groups/${memberGroup}`, { note: '' }],
			409,
			'ALREADY_ALLOWED'
		],
		[
			'asking to join the same group twice',
			() => [member, 'POST', `/api/approvals/private-groups/${group}`, { note: '' }],
			409,
			'CONFLICT'
		],
		[
			'asking to join something that is not a private group',
			() => [
				member,
				'POST',
				'/api/approvals/private-groups/00000000-0000-4000-8000-000000000000',
				{ note: '' }
			],
			404,
			'NOT_FOUND'
		],
		[
			'asking to post an announcement one may post oneself',
			() => [admin, 'POST', '/api/approvals/announcements', { text: 'Hello' }],
			409,
			'ALREADY_ALLOWED'
		],
		[
			'an empty announcement',
			() => [member, 'POST', '/api/approvals/announcements', { text: '   ' }],
			422,
			'VALIDATION_FAILED'
		],
		[
			'a project room that ends before it starts',
			() => [
				member,
				'POST',
				'/api/approvals/project-rooms',
				{ name: 'Back', startsAt: endsAt(), endsAt: new Date().toISOString() }
			],
			422,
			'VALIDATION_FAILED'
		]
	];

	it.each(refusals)('refuses %s, changing nothing', async (_what, build, status, code) => {
		const [person, method, path, body] = build();
		const before = await fingerprint(app.database.sql);
		const answer = await send(person, method, path, body);
		expect(answer.status).toBe(status);
		expect(answer.body).toMatchObject({ error: { code } });
		expect(await fingerprint(app.database.sql)).toEqual(before);
	});

	it('approves a newcomer on the People page: their request is decided too', async () => {
		const answer = await send(admin, 'POST', `/api/people/${waiting.personId}/approve`);
		expect(answer.status).toBe(200);
		expect(answer.body).toMatchObject({ status: 'active' });
		const inbox = await send(admin, 'GET', '/api/approvals/inbox');
		const done = (inbox.body as { decided: { id: string; status: string }[] }).decided;
		expect(done).toContainEqual(
			expect.objectContaining({ id: waiting.requestId, status: 'approved' })
		);
	});

	it('lets the owner approve: the member is in', async () => {
		const answer = await send(manager, 'POST', `/api/approvals/${pending}/decision`, {
			decision: 'approve',
			reason: ''
		});
		expect(answer.status).toBe(200);
		expect(answer.body).toMatchObject({ status: 'approved' });
		const detail = await send(member, 'GET', `/api/channels/${group}`);
		expect(detail.status).toBe(200);
	});
});
