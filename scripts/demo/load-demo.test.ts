import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '#server/testing/test-app.ts';
import { loadDemo } from './load-demo.ts';
import { demoPassword, demoPeople } from './people.ts';

describe('demo organization', () => {
	let app: TestApp;
	beforeAll(async () => {
		app = await createTestApp('pglite');
	});
	afterAll(() => app.close());

	it('loads some fifty placed people with a sign-in for every role, once', async () => {
		const first = await loadDemo(app);
		expect(first.created).toBe(true);
		expect(first.signIns.map((s) => s.role)).toEqual([
			'super_admin',
			'department_head',
			'team_manager',
			'team_member'
		]);
		for (const signIn of first.signIns) {
			const session = await app.auth.signIn(
				{ email: signIn.email, password: demoPassword },
				{ userAgent: 'test', ip: '127.0.0.9' }
			);
			expect(session.user.role).toBe(signIn.role);
		}
		const chart = await app.people.orgChart(
			(
				await app.auth.signIn(
					{ email: first.signIns[3]!.email, password: demoPassword },
					{ userAgent: 'test', ip: '127.0.0.9' }
				)
			).user
		);
		expect(chart.departments).toHaveLength(5);
		expect(chart.departments.every((d) => d.heads.length === 1 && d.teams.length >= 2)).toBe(true);
		const [count] = await app.database.sql<{ n: number }[]>`select count(*)::int as n from users`;
		expect(count!.n).toBe(demoPeople.length + 1);
		// A newcomer sees images and documents in the conversations: uploaded through the file
		// service (thumbnails made), each tied to the message that carries it.
		const files = await app.database.sql<{ kind: string; name: string; attached: boolean }[]>`
			select kind, name, message_id is not null as attached from files order by name`;
		expect(files.map((f) => `${f.kind} ${f.name}`)).toEqual([
			'image Budget-by-team.png',
			'file Incident-review-notes.pdf',
			'image Offsite-venue.jpg',
			'file Q3-roadmap.pdf',
			'image Sunset-at-the-harbour.jpg',
			'image Weekly-signups.png'
		]);
		expect(
			files.every((f) => f.attached),
			'every file is tied to its message'
		).toBe(true);
		const [carried] = await app.database.sql<{ n: number }[]>`
			select count(*)::int as n from messages where jsonb_array_length(attachments) > 0`;
		expect(carried!.n).toBe(6);
		const second = await loadDemo(app);
		expect(second.created).toBe(false);
		const [again] = await app.database.sql<{ n: number }[]>`select count(*)::int as n from users`;
		expect(again!.n).toBe(count!.n);
	}, 60_000);
});
