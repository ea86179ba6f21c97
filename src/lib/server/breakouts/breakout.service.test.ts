import { beforeAll, describe, expect, it } from 'vitest';
import { availableDatabaseKinds } from '../testing/test-database.ts';
import { useTestApp, type SignedInPerson } from '../testing/test-app.ts';
import { errorCode } from '../testing/error-code.ts';
import { databaseFingerprint } from '../testing/database-fingerprint.ts';
import { fieldIssues } from '#shared/api/contract.ts';
import {
	createBreakoutSchema,
	extendBreakoutSchema,
	type CreateBreakoutInput
} from '#shared/api/breakouts.schema.ts';
import type { SessionUser } from '#shared/api/auth.schema.ts';
import { endBreakoutJob } from './breakout.jobs.ts';
import { splitIntoRooms } from './breakout.service.ts';
import { until } from '../testing/until.ts';

const kinds = await availableDatabaseKinds();

describe('splitting people into rooms', () => {
	it('deals at random into rooms whose sizes differ by at most one', () => {
		const people = Array.from({ length: 11 }, (_, i) => `p${i}`);
		const rooms = splitIntoRooms(people, 3, 'random', () => '');
		expect(rooms.map((r) => r.length).sort()).toEqual([3, 4, 4]);
		expect(rooms.flat().sort()).toEqual([...people].sort());
	});

	it('balances by team: every room gets an even share of each team', () => {
		const team = (id: string) => id.slice(0, 1);
		const people = ['a1', 'a2', 'a3', 'a4', 'b1', 'b2', 'c1', 'c2'];
		for (let run = 0; run < 20; run++) {
			const rooms = splitIntoRooms(people, 2, 'balanced', team);
			for (const room of rooms) {
				expect(room.filter((id) => id.startsWith('a'))).toHaveLength(2);
				expect(room.filter((id) => id.startsWith('b'))).toHaveLength(1);
				expect(room.filter((id) => id.startsWith('c'))).toHaveLength(1);
			}
		}
	});
});

describe('the contract refuses a bad duration or extension', () => {
	const body = (durationMinutes: unknown) => ({
		title: 'Retro',
		durationMinutes,
		participantIds: ['7d2f6a5e-4a3b-4c1d-9e8f-0a1b2c3d4e5f']
	});
	it.each([0, -5, 121, 525_600, 2.5, '10'])('duration %s', (minutes) => {
		expect(createBreakoutSchema.safeParse(body(minutes)).success).toBe(false);
		expect(fieldIssues(createBreakoutSchema, body(minutes))).not.toEqual([]);
	});
	it('accepts 1 and 120 minutes, and refuses nobody chosen and no split', () => {
		expect(createBreakoutSchema.safeParse(body(1)).success).toBe(true);
		expect(createBreakoutSchema.safeParse(body(120)).success).toBe(true);
		expect(createBreakoutSchema.safeParse({ title: 'x', durationMinutes: 10 }).success).toBe(false);
	});
	it.each([0, -1, 121, 525_600])('extension by %s minutes', (minutes) => {
		expect(extendBreakoutSchema.safeParse({ minutes }).success).toBe(false);
	});
});

describe.each(kinds)('breakout rooms on %s', (kind) => {
	const app = useTestApp(kind);
	let admin: SessionUser;
	let ann: SignedInPerson;
	let ben: SignedInPerson;
	let cat: SignedInPerson;
	let dan: SignedInPerson;
	let outsider: SignedInPerson;
	let team: string;
	let other: string;

	beforeAll(async () => {
		const org = await app.createOrganization('Breakout Co');
		admin = org.admin;
		const platform = await app.createTeam(org.admin, 'Platform', 'Engineering');
		const field = await app.createTeam(org.admin, 'Field', 'Sales');
		[ann, ben, cat, dan] = await app.joinTeam(org, platform.id, ['Ann', 'Ben', 'Cat', 'Dan']);
		[outsider] = await app.joinTeam(org, field.id, ['Olga']);
		// Their sessions as placed in their teams.
		for (const person of [ann, ben, cat, dan, outsider]) {
			person.user = (await app.auth.validateToken(person.token))!.user;
		}
		const channels = await app.channels.list(ann.user);
		team = channels.find((c) => c.kind === 'team')!.id;
		other = (await app.channels.list(outsider.user)).find((c) => c.kind === 'team')!.id;
	});

	/** Opens breakout rooms of `parent` as `by`: a 15-minute "Naming" unless `input` says else. */
	const openIn = (by: SessionUser, parent: string, input: Partial<CreateBreakoutInput>) =>
		app.breakouts.create(by, parent, {
			title: 'Naming',
			durationMinutes: 15,
			agenda: 'Pick a name',
			...input
		});
	const open = (by: SessionUser, participantIds: string[], durationMinutes = 15) =>
		openIn(by, team, { participantIds, durationMinutes });

	async function feedKinds(userId: string, breakoutId: string) {
		const rows = await app.database.sql<{ kind: string }[]>`
			select kind from feed_events where user_id = ${userId}
				and (data->>'channelId' = ${breakoutId} or data->>'breakoutId' = ${breakoutId}
					or data->'notification'->>'channelId' = ${breakoutId})
			order by seq`;
		return rows.map((row) => row.kind);
	}

	it('opens a room for chosen members: they and the creator see it, nobody else', async () => {
		const [room] = await open(ann.user, [ben.user.id]);
		expect(room).toMatchObject({ title: 'Naming', agenda: 'Pick a name', state: 'running' });
		expect(room!.participants.map((p) => p.name).sort()).toEqual(['Ann', 'Ben']);
		expect(Date.parse(room!.endsAt) - Date.parse(room!.startsAt)).toBe(15 * 60_000);

		expect((await app.breakouts.list(ben.user, team)).map((b) => b.id)).toContain(room!.id);
		expect((await app.breakouts.list(cat.user, team)).map((b) => b.id)).not.toContain(room!.id);
		expect(await errorCode(app.breakouts.get(cat.user, room!.id))).toBe('NOT_FOUND');
		expect(await errorCode(app.breakouts.get(outsider.user, room!.id))).toBe('NOT_FOUND');
		// The team's moderator (its admin) sees every room of the channel.
		expect((await app.breakouts.list(admin, team)).map((b) => b.id)).toContain(room!.id);

		// Ben is notified (reason `breakout`) and his feed adds the conversation; Ann is not notified.
		await app.notifications.idle();
		const notes = await app.database.sql<{ userId: string; reason: string }[]>`
			select user_id as "userId", reason from notifications where channel_id = ${room!.id}`;
		expect(notes).toEqual([{ userId: ben.user.id, reason: 'breakout' }]);
		expect(await feedKinds(ben.user.id, room!.id)).toEqual([
			'conversation.added',
			'notification.created'
		]);
		// The room is a conversation of its own kind in its participants' list.
		const listed = (await app.channels.list(ben.user)).find((c) => c.id === room!.id);
		expect(listed).toMatchObject({ kind: 'breakout', name: 'Naming' });
		expect(listed!.access).toMatchObject({ read: true, post: true, manage: false });
		expect((await app.channels.list(cat.user)).some((c) => c.id === room!.id)).toBe(false);
	});

	it('splits the channel into rooms, the creator in each', async () => {
		const rooms = await app.breakouts.create(ann.user, team, {
			title: 'Group',
			durationMinutes: 10,
			agenda: '',
			split: { rooms: 2, mode: 'random' }
		});
		expect(rooms.map((r) => r.title)).toEqual(['Group 1', 'Group 2']);
		const people = rooms.flatMap((r) => r.participants.map((p) => p.name));
		expect(people.filter((n) => n === 'Ann')).toHaveLength(2);
		// The team's members (and its admin, a member by rank? no: the team's people) shared out.
		expect(people.filter((n) => n !== 'Ann').sort()).toEqual(['Ben', 'Cat', 'Dan']);
	});

	it('refuses people who are not members of the parent, and writes nothing', async () => {
		const before = await databaseFingerprint(app.database.sql);
		expect(await errorCode(open(ann.user, [ben.user.id, outsider.user.id]))).toBe(
			'VALIDATION_FAILED'
		);
		// A channel the creator cannot read does not exist for them.
		expect(await errorCode(openIn(ann.user, other, { participantIds: [outsider.user.id] }))).toBe(
			'NOT_FOUND'
		);
		// More rooms than people.
		const split = { rooms: 3, mode: 'balanced' } as const;
		expect(await errorCode(openIn(ann.user, team, { participantIds: [ben.user.id], split }))).toBe(
			'VALIDATION_FAILED'
		);
		expect(await databaseFingerprint(app.database.sql)).toEqual(before);
	});

	it('lets only the creator or a moderator extend or end, and nothing changes otherwise', async () => {
		const [room] = await open(ann.user, [ben.user.id, cat.user.id]);
		const before = await databaseFingerprint(app.database.sql);
		// A participant who did not open it.
		expect(await errorCode(app.breakouts.extend(ben.user, room!.id, { minutes: 5 }))).toBe(
			'FORBIDDEN'
		);
		expect(await errorCode(app.breakouts.end(cat.user, room!.id))).toBe('FORBIDDEN');
		// Someone outside the room and not a moderator: it does not exist for them.
		expect(await errorCode(app.breakouts.end(dan.user, room!.id))).toBe('NOT_FOUND');
		expect(await errorCode(app.breakouts.end(outsider.user, room!.id))).toBe('NOT_FOUND');
		expect(
			await errorCode(app.breakouts.addParticipants(ben.user, room!.id, { userIds: [dan.user.id] }))
		).toBe('FORBIDDEN');
		expect(await databaseFingerprint(app.database.sql)).toEqual(before);

		// The creator extends; a moderator of the parent (not in the room) ends it.
		const extended = await app.breakouts.extend(ann.user, room!.id, { minutes: 10 });
		expect(Date.parse(extended.endsAt) - Date.parse(room!.endsAt)).toBe(10 * 60_000);
		expect(await feedKinds(cat.user.id, room!.id)).toContain('breakout.changed');
		// No more than 240 minutes in all: 25 + 120 is fine, 145 + 120 is not.
		await app.breakouts.extend(ann.user, room!.id, { minutes: 120 });
		expect(await errorCode(app.breakouts.extend(ann.user, room!.id, { minutes: 120 }))).toBe(
			'VALIDATION_FAILED'
		);
		const ended = await app.breakouts.end(admin, room!.id);
		expect(ended.state).toBe('ended');
		expect(Date.parse(ended.endsAt)).toBeLessThanOrEqual(Date.now());
		// Ended: read-only for everyone, readable by its participants as the transcript.
		const access = (await app.channels.access(ben.user, room!.id)).access;
		expect(access).toMatchObject({ read: true, post: false, react: false });
		expect(await errorCode(app.breakouts.end(ann.user, room!.id))).toBe('CONFLICT');
		expect(await errorCode(app.breakouts.extend(ann.user, room!.id, { minutes: 5 }))).toBe(
			'CONFLICT'
		);
		expect(
			await errorCode(app.breakouts.addParticipants(ann.user, room!.id, { userIds: [dan.user.id] }))
		).toBe('CONFLICT');
		expect(await feedKinds(ben.user.id, room!.id)).toContain('breakout.ended');
	});

	it('adds a member of the parent late, who is notified; refuses an outsider', async () => {
		const [room] = await open(ann.user, [ben.user.id]);
		const before = await databaseFingerprint(app.database.sql);
		expect(
			await errorCode(
				app.breakouts.addParticipants(ann.user, room!.id, { userIds: [outsider.user.id] })
			)
		).toBe('VALIDATION_FAILED');
		expect(await databaseFingerprint(app.database.sql)).toEqual(before);
		const after = await app.breakouts.addParticipants(ann.user, room!.id, {
			userIds: [dan.user.id]
		});
		expect(after.participants.map((p) => p.name).sort()).toEqual(['Ann', 'Ben', 'Dan']);
		await app.notifications.idle();
		expect(await feedKinds(dan.user.id, room!.id)).toEqual([
			'conversation.added',
			'notification.created'
		]);
	});

	describe('timers as jobs', () => {
		beforeAll(async () => {
			await app.jobQueue.start();
		});

		async function state(id: string) {
			const [row] = await app.database.sql<
				{ state: string; endedAt: Date | null; summary: string | null }[]
			>`select state, ended_at as "endedAt", summary from breakouts where channel_id = ${id}`;
			return row!;
		}

		/** Its end has come (as if the minutes had passed): the stored end moved to now. */
		const arrive = (id: string) =>
			app.database.sql`update channels set ends_at = now() where id = ${id}`;

		it('ends once when the end job arrives twice, and an old timer does nothing', async () => {
			const [room] = await open(ann.user, [ben.user.id]);
			// An extension raises the version: the timer of version 0 finds nothing to do.
			await app.breakouts.extend(ann.user, room!.id, { minutes: 5 });
			await arrive(room!.id);
			await app.jobQueue.schedule(
				endBreakoutJob,
				{ breakoutId: room!.id, version: 0 },
				{ id: `forged-old:${room!.id}` }
			);
			await until(
				async () =>
					(
						await app.database.sql`select 1 from pgboss.job where name = 'breakouts.end'
							and data->>'breakoutId' = ${room!.id} and data->>'version' = '0'
							and state = 'completed'`
					).length > 0,
				'the old timer to run',
				15_000,
				100
			);
			expect((await state(room!.id)).state).toBe('running');

			// The current version's end, twice (a forged copy with another id): one end.
			for (const copy of ['a', 'b']) {
				await app.jobQueue.schedule(
					endBreakoutJob,
					{ breakoutId: room!.id, version: 1 },
					{ id: `forged-${copy}:${room!.id}` }
				);
			}
			await until(async () => (await state(room!.id)).summary !== null, 'the summary', 15_000, 100);
			await until(
				async () =>
					(
						await app.database.sql`select 1 from pgboss.job where name = 'breakouts.end'
							and data->>'breakoutId' = ${room!.id} and state = 'completed'`
					).length === 3,
				'both copies to run',
				15_000,
				100
			);
			const ended = await state(room!.id);
			expect(ended.state).toBe('ended');
			expect(ended.summary).toContain('**Breakout summary: Naming**');
			expect(ended.summary).toContain('participants: Ann, Ben');
			expect(ended.summary).toContain(`/c/${room!.id}`);
			for (const person of [ann, ben]) {
				const kinds = await feedKinds(person.user.id, room!.id);
				expect(kinds.filter((k) => k === 'breakout.ended')).toHaveLength(1);
			}
			// The real timer of version 1 is still due later: when it comes, nothing happens.
			await app.breakouts.endByTimer(room!.id, 1);
			expect((await state(room!.id)).endedAt).toEqual(ended.endedAt);
		});

		it('ends the rooms whose end jobs come together in one transaction', async () => {
			const rooms = await Promise.all([1, 2, 3, 4].map(() => open(ann.user, [ben.user.id], 10)));
			const [first, second, extended, later] = rooms.map(([room]) => room!.id);
			await app.breakouts.extend(ann.user, extended!, { minutes: 5 });
			// The extended room's old timer comes at its old end, its new end still ahead: that job
			// has nothing to do, and is no error to retry (the run of 2026-12-06 saw it fail 4 times).
			for (const id of [first!, second!]) await arrive(id);
			// The jobs of one fetch call the handler in one turn, as pg-boss's batch does.
			const outcomes = await Promise.allSettled(
				[first!, second!, extended!, later!].map((id) => app.breakouts.endByTimer(id, 0))
			);
			expect(outcomes.map((o) => o.status)).toEqual([
				'fulfilled',
				'fulfilled',
				'fulfilled',
				'rejected'
			]);
			expect(String((outcomes[3] as PromiseRejectedResult).reason)).toMatch(/not yet/);
			const [a, b, c, d] = await Promise.all([first!, second!, extended!, later!].map(state));
			expect([a!.state, b!.state, c!.state, d!.state]).toEqual([
				'ended',
				'ended',
				'running',
				'running'
			]);
			// One transaction: both got its one `now()`.
			expect(a!.endedAt).toEqual(b!.endedAt);
			for (const id of [first!, second!]) {
				for (const person of [ann, ben]) {
					const kinds = await feedKinds(person.user.id, id);
					expect(kinds.filter((k) => k === 'breakout.ended')).toHaveLength(1);
				}
			}
			expect(await feedKinds(ben.user.id, extended!)).not.toContain('breakout.ended');
			await until(async () => (await state(first!)).summary !== null, 'the summary', 15_000, 100);
		});

		it('sends the warnings of the current version only', async () => {
			const [room] = await open(ann.user, [ben.user.id], 10);
			await app.breakouts.warn(room!.id, 0, 5);
			await app.breakouts.extend(ann.user, room!.id, { minutes: 5 });
			await app.breakouts.warn(room!.id, 0, 1);
			const rows = await app.database.sql<{ minutes: number }[]>`
				select (data->>'minutesLeft')::int as minutes from feed_events
				where user_id = ${ben.user.id} and kind = 'breakout.warning'
					and data->>'breakoutId' = ${room!.id}`;
			expect(rows.map((r) => r.minutes)).toEqual([5]);
			// Its timers are queued: the end at its end, the warnings before it.
			const jobs = await app.database.sql<{ name: string; version: string }[]>`
				select name, data->>'version' as version from pgboss.job
				where data->>'breakoutId' = ${room!.id} and name in ('breakouts.end', 'breakouts.warn')
				order by name, version`;
			expect(jobs.filter((j) => j.name === 'breakouts.end').map((j) => j.version)).toEqual([
				'0',
				'1'
			]);
			expect(jobs.filter((j) => j.name === 'breakouts.warn')).toHaveLength(4);
		});

		it('warns only of what is shorter than the room: none for 1 minute, the 1-minute one for 5', async () => {
			const warnings = async (minutes: number) => {
				const [room] = await open(ann.user, [ben.user.id], minutes);
				const jobs = await app.database.sql<{ left: number }[]>`
					select (data->>'minutesLeft')::int as left from pgboss.job
					where data->>'breakoutId' = ${room!.id} and name = 'breakouts.warn'
					order by 1`;
				return jobs.map((job) => job.left);
			};
			expect(await warnings(1)).toEqual([]);
			expect(await warnings(5)).toEqual([1]);
			expect(await warnings(6)).toEqual([1, 5]);
		});
	});
});
