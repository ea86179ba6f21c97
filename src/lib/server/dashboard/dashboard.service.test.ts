import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SessionUser } from '#shared/api/auth.schema.ts';
import { dashboardCsvQuerySchema, dashboardQuerySchema } from '#shared/api/dashboard.schema.ts';
import type { Role } from '#shared/roles.ts';
import { databaseFingerprint } from '../testing/database-fingerprint.ts';
import { errorCode } from '../testing/error-code.ts';
import { useTestApp } from '../testing/test-app.ts';
import { availableDatabaseKinds } from '../testing/test-database.ts';
import { dashboardCsv } from './dashboard-csv.ts';
import { dashboardRollup } from './dashboard-rollup.job.ts';

/**
 * The dashboard over a small organization: departments A (teams A1, A2) and B (team B1), a
 * message history placed on known days, figures compared counted live and from the rollup, the
 * rollup job run through the queue, and who may see what.
 */
const kinds = await availableDatabaseKinds();
const today = '2026-11-30';
const period = { from: '2026-11-25', to: today };

describe.each(kinds)('the manager dashboard (%s)', (kind) => {
	const app = useTestApp(kind);
	let admin: SessionUser;
	let manager: SessionUser;
	let head: SessionUser;
	let member: SessionUser;
	let colleague: SessionUser;
	let outsider: SessionUser;
	const ids = { departmentA: '', departmentB: '', teamA1: '', teamA2: '', teamB1: '' };
	let announcements: string;
	let teamChannel: string;

	async function place(
		org: { admin: SessionUser; joinCode: string },
		name: string,
		to: { teamId?: string; departmentId?: string; role?: Role }
	): Promise<SessionUser> {
		const { user } = await app.join(org.joinCode, name);
		const person = await app.people.assign(org.admin, user.id, to);
		return { ...user, role: person.role, teamId: person.teamId, departmentId: person.departmentId };
	}

	async function post(
		author: SessionUser,
		channelId: string,
		at: string,
		options: { threadId?: string; deleted?: boolean } = {}
	): Promise<string> {
		const id = randomUUID();
		const when = new Date(at);
		await app.database.sql`
			insert into messages (id, channel_id, shard, author_id, thread_id, text, version,
				created_at, accepted_at, deleted_at)
			values (${id}, ${channelId}, 0, ${author.id}, ${options.threadId ?? null}, 'hello', 1,
				${when}, ${when}, ${options.deleted ? when : null})`;
		return id;
	}

	beforeAll(async () => {
		const org = await app.createOrganization('Dashboard Inc');
		admin = org.admin;
		const departmentA = await app.org.createDepartment(admin, { name: 'Alpha' });
		const departmentB = await app.org.createDepartment(admin, { name: 'Beta' });
		const teamA1 = await app.org.createTeam(admin, { name: 'A1', departmentId: departmentA.id });
		const teamA2 = await app.org.createTeam(admin, { name: 'A2', departmentId: departmentA.id });
		const teamB1 = await app.org.createTeam(admin, { name: 'B1', departmentId: departmentB.id });
		Object.assign(ids, {
			departmentA: departmentA.id,
			departmentB: departmentB.id,
			teamA1: teamA1.id,
			teamA2: teamA2.id,
			teamB1: teamB1.id
		});
		manager = await place(org, 'Tess Manager', { teamId: teamA1.id, role: 'team_manager' });
		member = await place(org, 'Mo Member', { teamId: teamA1.id });
		colleague = await place(org, 'Cal Colleague', { teamId: teamA2.id });
		outsider = await place(org, 'Bea Beta', { teamId: teamB1.id });
		head = await place(org, 'Hal Head', { departmentId: departmentA.id, role: 'department_head' });
		const channels = await app.database.sql<{ id: string; kind: string; teamId: string | null }[]>`
			select id, kind, team_id as "teamId" from channels where org_id = ${admin.orgId}`;
		announcements = channels.find((c) => c.kind === 'announcements')!.id;
		teamChannel = channels.find((c) => c.kind === 'team' && c.teamId === teamA1.id)!.id;

		// The previous period (Nov 19-24): Mo starts a thread Bea answers after 10 minutes.
		const earlier = await post(member, announcements, '2026-11-20T12:00:00Z');
		await post(member, announcements, '2026-11-20T12:01:00Z');
		await post(outsider, announcements, '2026-11-20T12:10:00Z', { threadId: earlier });
		// The period (Nov 25-30): Mo's thread, answered by himself after 1 minute (not a reply
		// to count) and by Cal after 5.
		const root = await post(member, announcements, '2026-11-26T10:00:00Z');
		await post(member, announcements, '2026-11-26T10:01:00Z', { threadId: root });
		await post(colleague, announcements, '2026-11-26T10:05:00Z', { threadId: root });
		await post(member, announcements, '2026-11-26T15:00:00Z');
		await post(manager, teamChannel, '2026-11-27T09:00:00Z');
		await post(member, teamChannel, '2026-11-27T09:30:00Z', { deleted: true });
		await post(colleague, announcements, '2026-11-28T08:00:00Z');
		await post(colleague, announcements, '2026-11-28T08:30:00Z');
		for (let i = 0; i < 5; i++) await post(outsider, announcements, `2026-11-26T1${i}:30:00Z`);
		// Today, counted live whatever the rollup holds.
		await post(member, announcements, '2026-11-30T07:00:00Z');
	});

	const ask = (actor: SessionUser, scope?: string, range: Partial<typeof period> = period) =>
		app.dashboard.dashboard(
			actor,
			dashboardQuerySchema.parse({ ...(scope ? { scope } : {}), ...range }),
			today
		);
	const figures = (dashboard: Awaited<ReturnType<typeof ask>>) =>
		dashboard.days.filter((d) => d.messages > 0).map((d) => [d.day, d.messages, d.activePeople]);

	it('counts a team, a department and the organization, live before any rollup', async () => {
		const team = await ask(manager);
		expect(team.scope).toMatchObject({ kind: 'team', id: ids.teamA1, name: 'A1' });
		expect(team.liveFrom).toBe('2026-11-19');
		expect(team.period).toEqual({ ...period, days: 6 });
		expect(team.previousPeriod).toEqual({ from: '2026-11-19', to: '2026-11-24', days: 6 });
		expect(team.days.map((d) => d.day)).toEqual([
			'2026-11-25',
			'2026-11-26',
			'2026-11-27',
			'2026-11-28',
			'2026-11-29',
			'2026-11-30'
		]);
		expect(figures(team)).toEqual([
			['2026-11-26', 3, 1],
			['2026-11-27', 1, 1],
			['2026-11-30', 1, 1]
		]);
		expect(team.totals).toEqual({
			messages: 5,
			activePeople: 2,
			medianReplySeconds: 300,
			repliedThreads: 1
		});
		expect(team.previousTotals).toEqual({
			messages: 2,
			activePeople: 1,
			medianReplySeconds: 600,
			repliedThreads: 1
		});
		expect(team.days[1]).toMatchObject({ medianReplySeconds: 300, repliedThreads: 1 });
		expect(team.channels.map((c) => [c.kind, c.messages, c.previousMessages])).toEqual([
			['announcements', 4, 2],
			['team', 1, 0]
		]);

		const department = await ask(head);
		expect(department.scope).toMatchObject({ kind: 'department', id: ids.departmentA });
		expect(figures(department)).toEqual([
			['2026-11-26', 4, 2],
			['2026-11-27', 1, 1],
			['2026-11-28', 2, 1],
			['2026-11-30', 1, 1]
		]);
		expect(department.totals.activePeople).toBe(3);

		const org = await ask(admin);
		expect(org.scope.kind).toBe('org');
		expect(org.totals.messages).toBe(13);
		expect(org.previousTotals).toMatchObject({ messages: 3, activePeople: 2 });
	});

	it('answers the same from the rollup, and a re-run of a day replaces it', async () => {
		const live = await Promise.all([ask(manager), ask(head), ask(admin)]);
		const done = await app.dashboard.catchUp(today);
		expect(done[0]).toBe('2026-11-20');
		expect(done.at(-1)).toBe('2026-11-29');
		expect(await app.dashboard.catchUp(today)).toEqual([]);
		const rolled = await Promise.all([ask(manager), ask(head), ask(admin)]);
		for (const [i, dashboard] of rolled.entries()) {
			expect(dashboard.liveFrom).toBe('2026-11-19');
			expect({ ...dashboard, liveFrom: null }).toEqual({ ...live[i], liveFrom: null });
		}
		// Only today (and the 19th, which has no messages and was never rolled) is live now.
		const rows = async () =>
			app.database.sql`select day, channel_id, author_id, messages from activity_daily
				order by day, channel_id, author_id`;
		const before = await rows();
		await app.dashboard.rollUpDay('2026-11-26');
		await app.dashboard.rollUpDay('2026-11-26');
		expect(await rows()).toEqual(before);
	});

	it('runs the rollup as a daily job that catches up, through the queue', async () => {
		await app.database.sql`delete from activity_rollup_days where day = '2026-11-27'`;
		await app.database.sql`delete from activity_daily where day = '2026-11-27'`;
		await app.jobQueue.start();
		await app.jobQueue.schedule(dashboardRollup, {});
		const deadline = Date.now() + 30_000;
		for (;;) {
			const [row] = await app.database.sql`
				select 1 from activity_rollup_days where day = '2026-11-27'`;
			if (row) break;
			if (Date.now() > deadline) throw new Error('the rollup job did not run');
			await new Promise((resolve) => setTimeout(resolve, 200));
		}
		expect((await ask(manager)).totals.messages).toBe(5);
		const [schedule] = await app.database.sql<{ cron: string }[]>`
			select cron from pgboss.schedule where name = ${dashboardRollup.name}`;
		expect(schedule?.cron).toBe('7 0 * * *');
	}, 60_000);

	it('counts a late first reply for its thread’s day once the reply’s day is rolled up', async () => {
		const root = await post(colleague, announcements, '2026-11-28T09:00:00Z');
		await app.dashboard.rollUpDay('2026-11-28');
		await post(outsider, announcements, '2026-11-29T09:00:00Z', { threadId: root });
		await app.dashboard.rollUpDay('2026-11-29');
		const team = await ask(admin, `team:${ids.teamA2}`);
		expect(team.days.find((d) => d.day === '2026-11-28')).toMatchObject({
			messages: 3,
			medianReplySeconds: 86_400,
			repliedThreads: 1
		});
	});

	it('lists for each person the scopes they may see, their own first', async () => {
		const params = async (actor: SessionUser) =>
			(await app.dashboard.scopes(actor)).map((s) => s.param);
		expect(await params(manager)).toEqual([`team:${ids.teamA1}`]);
		expect(await params(head)).toEqual([
			`department:${ids.departmentA}`,
			`team:${ids.teamA1}`,
			`team:${ids.teamA2}`
		]);
		expect(await params(admin)).toHaveLength(6);
		expect((await params(admin))[0]).toBe('org');
		expect(await errorCode(app.dashboard.scopes(member))).toBe('FORBIDDEN');
	});

	it('refuses what the asker may not see and bad periods, changing nothing', async () => {
		const fingerprint = await databaseFingerprint(app.database.sql);
		const other = await app.createOrganization('Elsewhere');
		const elsewhere = await app.createTeam(other.admin, 'Far', 'Away');
		const fingerprintAfterSetup = await databaseFingerprint(app.database.sql);
		const refusals: [SessionUser, string | undefined, Partial<typeof period>, string][] = [
			[manager, `team:${ids.teamA2}`, period, 'FORBIDDEN'],
			[manager, `team:${ids.teamB1}`, period, 'FORBIDDEN'],
			[manager, `department:${ids.departmentA}`, period, 'FORBIDDEN'],
			[manager, 'org', period, 'FORBIDDEN'],
			[head, `department:${ids.departmentB}`, period, 'FORBIDDEN'],
			[head, `team:${ids.teamB1}`, period, 'FORBIDDEN'],
			[head, 'org', period, 'FORBIDDEN'],
			[member, undefined, period, 'FORBIDDEN'],
			[member, `team:${ids.teamA1}`, period, 'FORBIDDEN'],
			[admin, `team:${elsewhere.id}`, period, 'NOT_FOUND'],
			[admin, `department:${randomUUID()}`, period, 'NOT_FOUND'],
			[admin, 'org', { from: '2026-11-30', to: '2026-11-29' }, 'VALIDATION_FAILED'],
			[admin, 'org', { from: '2025-11-28', to: '2026-11-29' }, 'VALIDATION_FAILED'],
			[admin, 'org', { from: '2026-12-01' }, 'VALIDATION_FAILED']
		];
		for (const [actor, scope, range, code] of refusals) {
			expect(await errorCode(ask(actor, scope, range)), `${actor.name} ${scope}`).toBe(code);
		}
		// 366 days is the longest period.
		expect((await ask(admin, 'org', { from: '2025-11-30', to: '2026-11-30' })).period.days).toBe(
			366
		);
		expect(await databaseFingerprint(app.database.sql)).toEqual(fingerprintAfterSetup);
		expect(fingerprint).not.toEqual(fingerprintAfterSetup);
	});

	it('refuses malformed dates, scopes and charts in the query', () => {
		for (const query of [
			{ from: '2026-13-01' },
			{ from: '2026-02-30' },
			{ to: 'yesterday' },
			{ from: '26-11-01' },
			{ scope: 'team:not-an-id' },
			{ scope: `group:${randomUUID()}` },
			{ scope: '' }
		]) {
			expect(dashboardQuerySchema.safeParse(query).success, JSON.stringify(query)).toBe(false);
		}
		expect(dashboardCsvQuerySchema.safeParse({ chart: 'pie' }).success).toBe(false);
		expect(dashboardQuerySchema.parse({ scope: `TEAM:${ids.teamA1.toUpperCase()}` })).toEqual({
			scope: { kind: 'team', id: ids.teamA1 }
		});
	});

	it('writes each chart as CSV with the previous period beside it', async () => {
		const team = await ask(manager);
		expect(dashboardCsv(team, 'messages').split('\r\n').slice(0, 3)).toEqual([
			'day,messages,previous_period_day,previous_messages',
			'2026-11-25,0,2026-11-19,0',
			'2026-11-26,3,2026-11-20,2'
		]);
		expect(dashboardCsv(team, 'reply-time').split('\r\n')[2]).toBe(
			'2026-11-26,300,1,2026-11-20,600,1'
		);
		expect(dashboardCsv(team, 'channels').split('\r\n')[0]).toBe(
			'channel,kind,messages,previous_period_messages'
		);
		const named = { ...team, channels: [{ ...team.channels[0]!, name: '=cmd, "x"' }] };
		expect(dashboardCsv(named, 'channels').split('\r\n')[1]).toBe(
			`"'=cmd, ""x""",announcements,4,2`
		);
	});
});
