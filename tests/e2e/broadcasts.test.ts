import fs from 'node:fs';
import { expect, test } from './support/test.ts';
import { founderAndTeam, joinOrganization } from './support/people.ts';
import { mailTo } from './support/mail.ts';
import { screenshotsAtSizes } from './support/screens.ts';

/**
 * Emergency broadcast (issue 18): Alice, the Super Admin, sends one to everyone; Bruno sees it
 * at once, Cara was offline and sees it when her copy syncs; both acknowledge while Alice
 * watches the count rise, and she downloads the acknowledgements as CSV. Both get the email.
 */
test('a broadcast reaches two people who acknowledge it while the sender watches', async ({
	browser
}) => {
	test.setTimeout(180_000);
	const { founder: alice, bruno } = await founderAndTeam(
		browser,
		'Broadcast Works',
		'Alice Archer'
	);
	const { joinCode } = await (await alice.page.request.get('/api/join-code')).json();
	const cara = await joinOrganization(browser, joinCode, 'Cara Chen');

	// A Team Member neither sees the entry nor reaches the page.
	await expect(bruno.page.getByTestId('nav-broadcasts')).toHaveCount(0);
	const refused = await bruno.page.request.post('/api/broadcasts', {
		data: { title: 'Hi', body: 'Hello', scope: { kind: 'org' } }
	});
	expect(refused.status()).toBe(403);
	expect((await refused.json()).error.code).toBe('FORBIDDEN');

	// Cara's tab goes offline before the broadcast is sent.
	await expect(cara.page.getByTestId('app-connection')).toHaveAttribute('data-status', 'online');
	await cara.context.setOffline(true);
	await expect(cara.page.getByTestId('app-connection')).toHaveAttribute('data-status', 'offline');

	await alice.page.getByTestId('nav-broadcasts').first().click();
	await alice.page.waitForURL('**/broadcasts');
	const form = alice.page.getByTestId('broadcast-form');
	await form.getByTestId('broadcast-title').fill('Evacuate building A');
	await form
		.getByTestId('broadcast-body')
		.fill('A gas leak was reported. Leave by the north exit and meet at the car park.');
	await form.getByTestId('broadcast-send').click();
	await form.getByTestId('broadcast-confirm').click();
	await alice.page.waitForURL(/\/broadcasts\/[0-9a-f-]{36}$/);
	const count = alice.page.getByTestId('broadcast-count');
	await expect(count).toContainText('0 of 2');

	// Bruno: the banner on the page he is on, with the focus on its button.
	const banner = bruno.page.getByTestId('broadcast-banner');
	await expect(banner).toBeVisible();
	await expect(banner).toContainText('Evacuate building A');
	await expect(banner.getByTestId('broadcast-acknowledge')).toBeFocused();
	await screenshotsAtSizes(bruno.page, 'test-results/broadcast-banner');

	await banner.getByTestId('broadcast-acknowledge').click();
	await expect(banner).toHaveCount(0);
	await expect(count).toContainText('1 of 2');
	await expect(alice.page.getByTestId('broadcast-acknowledged')).toContainText('Bruno Baker');

	// Cara's copy syncs when she is back, and shows it then.
	await cara.context.setOffline(false);
	const caraBanner = cara.page.getByTestId('broadcast-banner');
	await expect(caraBanner).toBeVisible({ timeout: 30_000 });
	await caraBanner.getByTestId('broadcast-acknowledge').click();
	await expect(caraBanner).toHaveCount(0);
	await expect(count).toContainText('2 of 2');
	await expect(alice.page.getByTestId('broadcast-percent')).toContainText('100%');
	// Acknowledged on one device, it does not come back on a reload.
	await cara.page.reload();
	await expect(cara.page.getByTestId('app-connection')).toHaveAttribute('data-status', 'online');
	await expect(caraBanner).toHaveCount(0);

	const [download] = await Promise.all([
		alice.page.waitForEvent('download'),
		alice.page.getByTestId('broadcast-csv').click()
	]);
	const csv = fs.readFileSync((await download.path())!, 'utf8');
	expect(csv.split('\n')[0]).toBe('name,title,email,acknowledged,acknowledged_at,notices');
	expect(csv).toMatch(/^Bruno Baker,.*,yes,/m);
	expect(csv).toMatch(/^Cara Chen,.*,yes,/m);

	// By email too, whatever their settings.
	for (const person of [bruno, cara]) {
		await expect
			.poll(async () => (await mailTo(person.email)).map((mail) => mail.parsed.subject), {
				timeout: 30_000
			})
			.toContain('[Urgent] Evacuate building A');
	}
	await screenshotsAtSizes(alice.page, 'test-results/broadcast-live-view');
	await alice.page.goto('/broadcasts');
	await screenshotsAtSizes(alice.page, 'test-results/broadcast-compose');

	for (const person of [alice, bruno, cara]) await person.context.close();
});
