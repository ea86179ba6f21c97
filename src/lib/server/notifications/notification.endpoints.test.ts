import { beforeAll, describe, expect, it } from 'vitest';
import { useServedApp } from '../testing/served-app.ts';
import { type SignedInPerson } from '../testing/test-app.ts';
import { availableDatabaseKinds } from '../testing/test-database.ts';
import { databaseFingerprint as fingerprint } from '../testing/database-fingerprint.ts';

/**
 * The notifications API over real HTTP: bad input of every kind gets a clear 4xx with a stable
 * code and changes nothing (the database's fingerprint is the same after).
 */
const kind = (await availableDatabaseKinds()).at(-1)!;

describe(`notifications over HTTP (${kind})`, () => {
	const { app, send } = useServedApp(kind);
	let ann: SignedInPerson;
	let ben: SignedInPerson;
	let benNotification: string;
	let teamChannel: string;

	beforeAll(async () => {
		const org = await app.createOrganization('Bells Inc');
		const team = await app.createTeam(org.admin, 'Platform', 'Engineering');
		[ann, ben] = await app.joinTeam(org, team.id, ['Ann Author', 'Ben Reader']);
		const annUser = (await app.auth.validateToken(ann.token))!.user;
		const group = await app.channels.create(annUser, {
			kind: 'private',
			name: 'Design',
			topic: '',
			memberIds: [ben.user.id]
		});
		benNotification = (await app.notifications.list(ben.user, { limit: 1, unread: false }))
			.notifications[0]!.id;
		teamChannel = (await app.channels.list(annUser)).find((c) => c.kind === 'team')!.id;
		void group;
	});

	const dnd = { enabled: true, days: [1, 2], from: '18:00', to: '09:00', timeZone: 'Europe/Paris' };

	it('answers the person’s own notifications, preferences and levels', async () => {
		const list = await send(ben, 'GET', '/api/notifications?limit=10');
		expect(list.status).toBe(200);
		expect(list.body).toMatchObject({ unread: 1, next: null });
		const put = await send(ben, 'PUT', '/api/notifications/preferences', {
			level: 'mentions',
			dnd
		});
		expect(put.status).toBe(200);
		expect(put.body).toMatchObject({ level: 'mentions', dnd });
		const channel = await send(ben, 'PUT', `/api/notifications/channels/${teamChannel}`, {
			level: 'default',
			muted: true
		});
		expect(channel.body).toMatchObject({ channelId: teamChannel, muted: true });
	});

	const refusals: [
		string,
		(ids: { own: string; channel: string }) => [string, string, unknown?],
		number,
		string
	][] = [
		[
			'an unknown level',
			() => ['PUT', '/api/notifications/preferences', { level: 'loud', dnd }],
			422,
			'VALIDATION_FAILED'
		],
		[
			'an unknown time zone',
			() => [
				'PUT',
				'/api/notifications/preferences',
				{ level: 'all', dnd: { ...dnd, timeZone: 'Mars/Base' } }
			],
			422,
			'VALIDATION_FAILED'
		],
		[
			'a time of day out of range',
			() => [
				'PUT',
				'/api/notifications/preferences',
				{ level: 'all', dnd: { ...dnd, from: '25:00' } }
			],
			422,
			'VALIDATION_FAILED'
		],
		[
			'a day out of range',
			() => ['PUT', '/api/notifications/preferences', { level: 'all', dnd: { ...dnd, days: [7] } }],
			422,
			'VALIDATION_FAILED'
		],
		[
			'an unknown field',
			() => ['PUT', '/api/notifications/preferences', { level: 'all', dnd, loud: true }],
			422,
			'VALIDATION_FAILED'
		],
		[
			'an unknown conversation level',
			(ids) => [
				'PUT',
				`/api/notifications/channels/${ids.channel}`,
				{ level: 'sometimes', muted: false }
			],
			422,
			'VALIDATION_FAILED'
		],
		[
			'another person’s notification',
			(ids) => ['POST', `/api/notifications/${ids.own}/read`],
			404,
			'NOT_FOUND'
		],
		[
			'a malformed notification id',
			() => ['POST', '/api/notifications/not-an-id/read'],
			404,
			'NOT_FOUND'
		],
		[
			'a malformed page cursor',
			() => ['GET', '/api/notifications?after=nope'],
			422,
			'VALIDATION_FAILED'
		],
		['a page too large', () => ['GET', '/api/notifications?limit=1000'], 422, 'VALIDATION_FAILED'],
		[
			'mark all read without saying which',
			() => ['POST', '/api/notifications/read', {}],
			422,
			'VALIDATION_FAILED'
		],
		[
			'a conversation one cannot read',
			() => ['POST', '/api/notifications/read', { channelId: crypto.randomUUID() }],
			404,
			'NOT_FOUND'
		],
		[
			'a thread that does not exist',
			() => ['PUT', `/api/notifications/threads/${crypto.randomUUID()}`, { following: true }],
			404,
			'NOT_FOUND'
		]
	];

	it.each(refusals)('refuses %s and changes nothing', async (_name, request, status, code) => {
		const [method, path, body] = request({ own: benNotification, channel: teamChannel });
		const before = await fingerprint(app.database.sql);
		// Ann asks: Ben's notification does not exist for her.
		const answer = await send(ann, method, path, body);
		expect(answer.status).toBe(status);
		expect(answer.body.error).toMatchObject({ code });
		expect(await fingerprint(app.database.sql)).toEqual(before);
	});

	it('refuses anyone not signed in', async () => {
		const answer = await send(null, 'GET', '/api/notifications');
		expect(answer.status).toBe(401);
		expect(answer.body.error).toMatchObject({ code: 'UNAUTHENTICATED' });
	});
});
