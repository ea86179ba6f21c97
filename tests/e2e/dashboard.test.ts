import fs from 'node:fs/promises';
import { expect, test } from './support/test.ts';
import {
	createDepartment,
	createOrganization,
	joinOrganization,
	type Person
} from './support/people.ts';
import { screenshotsAtSizes } from './support/screens.ts';
import { seedMessages } from './support/seed.ts';
import { openAdminSection } from './support/admin.ts';

/**
 * A Department Head opens Administration → Dashboard and sees their department's charts, drawn
 * by the server (SVG in the page's markup, with the numbers in a table), over messages seeded
 * today, and downloads a chart as CSV; a Team Manager of another team is refused that team's
 * dashboard, on the page and by the API, and bad periods and scopes get their stable codes.
 */
test('a Department Head sees their department’s charts and downloads the CSV; another team’s manager is refused', async ({
	browser
}) => {
	test.setTimeout(180_000);
	const ada = await createOrganization(browser, 'Dashboard Works', 'Ada Admin');
	const api = ada.page.request;
	const department = await createDepartment(api, 'Product');
	const team = async (name: string) =>
		(await api.post('/api/teams', { data: { name, departmentId: department.id } })).json();
	const launch = await team('Launch Crew');
	const ops = await team('Ops');
	const { joinCode } = await (await api.get('/api/join-code')).json();
	const place = async (person: Person, data: Record<string, string>) => {
		const id = (await (await person.page.request.get('/api/me')).json()).user.id as string;
		const answer = await api.patch(`/api/people/${id}`, { data });
		expect(answer.ok(), `placing ${person.name}: ${answer.status()}`).toBe(true);
	};
	const hana = await joinOrganization(browser, joinCode, 'Hana Head');
	const bruno = await joinOrganization(browser, joinCode, 'Bruno Baker');
	const tom = await joinOrganization(browser, joinCode, 'Tom Ops');
	await place(hana, { departmentId: department.id, role: 'department_head' });
	await place(bruno, { teamId: launch.id });
	await place(tom, { teamId: ops.id, role: 'team_manager' });

	// Bruno writes 12 messages in Launch Crew's channel (today: counted live).
	const { channels } = (await (await bruno.page.request.get('/api/channels')).json()) as {
		channels: {
			id: string;
			kind: string;
			name: string;
			headShard: number;
		}[];
	};
	const teamChannel = channels.find((channel) => channel.kind === 'team')!;
	await seedMessages(bruno.page, teamChannel, 12, (n) => `Launch update ${n}`);
	await expect
		.poll(async () => {
			const answer = await hana.page.request.get('/api/dashboard');
			return (await answer.json()).totals?.messages;
		})
		.toBe(12);

	// The page, rendered by the server: charts as SVG and their tables, without any script.
	const html = await (await hana.page.request.get('/admin/dashboard')).text();
	expect(html).toContain('<svg');
	expect(html).toMatch(/<path class="previous[^"]*"/);
	expect(html).toContain('Messages per day');

	const page = hana.page;
	await openAdminSection(page, 'Dashboard', 'dashboard', 'Activity dashboard');
	await expect(page.getByTestId('dashboard-caption')).toContainText('Product');
	await expect(page.getByTestId('chart-messages-total')).toHaveText('12');
	await expect(page.getByTestId('chart-active-people-total')).toHaveText('1');
	await expect(page.getByTestId('chart-messages-change')).toContainText('new');
	const messagesChart = page.getByTestId('chart-messages');
	await expect(messagesChart.getByRole('img', { name: /Messages per day/ })).toBeVisible();
	const todayRow = messagesChart.getByRole('row').last();
	await expect(todayRow.getByRole('cell').first()).toHaveText('12');
	await expect(page.getByTestId('busy-channel').first()).toContainText(teamChannel.name);
	// The scope picker offers the department and its teams, not the other department's.
	await expect(page.getByTestId('dashboard-scope').getByRole('option')).toHaveText([
		'Product',
		'Launch Crew (Product)',
		'Ops (Product)'
	]);
	await page.getByTestId('preset-7').click();
	await page.waitForURL(/days=7/);
	await expect(page.getByTestId('dashboard-caption')).toContainText('(7 days)');

	// Download the messages chart as CSV: today's row holds the 12 messages.
	const download = page.waitForEvent('download');
	await page.getByTestId('chart-messages-csv').click();
	const file = await download;
	expect(file.suggestedFilename()).toMatch(
		/^messages-product-\d{4}-\d\d-\d\d-to-\d{4}-\d\d-\d\d\.csv$/
	);
	const csv = (await fs.readFile((await file.path())!, 'utf8')).trim().split('\r\n');
	expect(csv[0]).toBe('day,messages,previous_period_day,previous_messages');
	expect(csv).toHaveLength(8);
	const today = new Date().toISOString().slice(0, 10);
	expect(csv.at(-1)).toMatch(new RegExp(`^${today},12,\\d{4}-\\d\\d-\\d\\d,0$`));
	const channelsCsv = await page.request.get(
		`/api/dashboard/csv?chart=channels&scope=department:${department.id}`
	);
	expect(channelsCsv.headers()['content-type']).toContain('text/csv');
	expect(await channelsCsv.text()).toContain(`${teamChannel.name},team,12,0`);

	await screenshotsAtSizes(page, 'test-results/screenshots/dashboard', async (shot) => {
		await shot.getByRole('heading', { name: 'Activity dashboard' }).scrollIntoViewIfNeeded();
	});
	await screenshotsAtSizes(page, 'test-results/screenshots/dashboard-channels', async (shot) => {
		await shot.getByTestId('chart-channels').scrollIntoViewIfNeeded();
	});

	// Tom manages Ops: Launch Crew's dashboard and the department's are not his to see.
	const refusedPage = await tom.page.goto(`/admin/dashboard?scope=team:${launch.id}`);
	expect(refusedPage?.status()).toBe(403);
	await expect(
		tom.page.getByRole('heading', { name: 'This section is not for your role' })
	).toBeVisible();
	await expect(tom.page.getByRole('alert').first()).toContainText('your own team or department');
	for (const scope of [`team:${launch.id}`, `department:${department.id}`, 'org']) {
		const refused = await tom.page.request.get(`/api/dashboard?scope=${scope}`);
		expect(refused.status(), scope).toBe(403);
		expect(await refused.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
	}
	const own = await tom.page.request.get(`/api/dashboard?scope=team:${ops.id}`);
	expect(own.status()).toBe(200);
	// Bruno, a member, is refused outright.
	expect((await bruno.page.request.get('/api/dashboard')).status()).toBe(403);
	// Bad input: stable codes, never a 5xx.
	for (const [query, code] of [
		['from=2026-11-30&to=2026-11-01', 'VALIDATION_FAILED'],
		['from=2024-01-01&to=2026-01-01', 'VALIDATION_FAILED'],
		['from=2026-02-30', 'VALIDATION_FAILED'],
		['scope=team:not-an-id', 'VALIDATION_FAILED'],
		['scope=galaxy', 'VALIDATION_FAILED']
	] as const) {
		const answer = await hana.page.request.get(`/api/dashboard?${query}`);
		expect(answer.status(), query).toBe(422);
		expect(await answer.json(), query).toMatchObject({ error: { code } });
	}
	const csvRefused = await hana.page.request.get('/api/dashboard/csv?chart=pie');
	expect(csvRefused.status()).toBe(422);

	for (const person of [ada, hana, bruno, tom]) await person.context.close();
});
