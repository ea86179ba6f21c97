import { describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { availableDatabaseKinds } from '../testing/test-database.ts';
import { reopenable } from '../testing/reopenable.ts';
import { until } from '../testing/until.ts';

const kinds = await availableDatabaseKinds();

/**
 * The end of a breakout room is a job kept in the database: a server that stops while the room
 * runs (its timer only sent, never run there) and comes back still ends it, once; on Postgres,
 * two processes running jobs end it once between them.
 */
describe.each(kinds)('a breakout room across a restart on %s', (kind) => {
	it('still ends, once, when its end comes after the restart', async () => {
		const store = await reopenable(kind, 'breakouts');
		const running: TestApp[] = [];
		try {
			const before = await createTestApp(kind, await store.open());
			const org = await before.createOrganization('Restart Co');
			const platform = await before.createTeam(org.admin, 'Platform', 'Engineering');
			const [ann, ben] = await before.joinTeam(org, platform.id, ['Ann', 'Ben']);
			const annUser = (await before.auth.validateToken(ann!.token))!.user;
			const team = (await before.channels.list(annUser)).find((c) => c.kind === 'team')!.id;
			const [room] = await before.breakouts.create(annUser, team, {
				title: 'Restart',
				durationMinutes: 5,
				agenda: '',
				participantIds: [ben!.user.id]
			});
			// The minutes pass while the server is down: the room's end and its timer are due now.
			await before.database.sql`update channels set ends_at = now() where id = ${room!.id}`;
			await before.database.sql`update pgboss.job set start_after = now()
				where name = 'breakouts.end' and data->>'breakoutId' = ${room!.id}`;
			await before.close();

			// Back up: one process on PGlite (it is one process's database), two on Postgres.
			for (let i = 0; i < (kind === 'postgres' ? 2 : 1); i++) {
				const app = await createTestApp(kind, await store.open());
				running.push(app);
				await app.jobQueue.start();
			}
			const sql = running[0]!.database.sql;
			const summarized = async () => {
				const [row] = await sql<{ state: string; summary: string | null }[]>`
					select state, summary from breakouts where channel_id = ${room!.id}`;
				return row!.state === 'ended' && row!.summary !== null;
			};
			await until(summarized, 'the end and its summary after the restart');
			// Time for a second end to show up, were there one.
			await new Promise((resolve) => setTimeout(resolve, 2_500));
			const ended = await sql<{ userId: string }[]>`
				select user_id as "userId" from feed_events
				where kind = 'breakout.ended' and data->>'breakoutId' = ${room!.id}`;
			expect(ended.map((row) => row.userId).sort()).toEqual([annUser.id, ben!.user.id].sort());
			const runs = await sql<{ name: string }[]>`
				select name from pgboss.job where data->>'breakoutId' = ${room!.id}
					and name in ('breakouts.end', 'breakouts.summarize') and state = 'completed'`;
			expect(runs.map((run) => run.name).sort()).toEqual(['breakouts.end', 'breakouts.summarize']);
		} finally {
			for (const app of running) await app.close();
			await store.close();
		}
	}, 120_000);
});
