import { expect, test } from './support/test.ts';
import { createOrganization, joinOrganization, signIn } from './support/people.ts';

/**
 * Issue 2's proof: A creates an organization; B joins with the code; A makes B a Team Manager
 * of a new team in a new department; B sees it without signing in again; both are in the
 * directory and the org chart; B ends a second session from the first.
 */
test('an organization from sign-up to org chart, with sessions on two devices', async ({
	browser
}) => {
	test.setTimeout(240_000);
	const a = await createOrganization(browser, 'Acme Rockets', 'Ada Lovelace');

	await a.page.goto('/admin/join-code');
	const joinCode = (await a.page.getByTestId('join-code-value').innerText()).trim();
	expect(joinCode).toMatch(/^[A-HJKMNP-Z2-9]{5}(-[A-HJKMNP-Z2-9]{5}){3}$/);
	await a.page.screenshot({ path: 'test-results/screenshots/admin-join-code.png', fullPage: true });

	const b = await joinOrganization(browser, joinCode, 'Grace Hopper');
	await expect(b.page.getByText('Team Member').first()).toBeVisible();

	await a.page.goto('/admin/structure');
	await a.page.getByTestId('create-department-name').fill('Engineering');
	await a.page.getByTestId('create-department-submit').click();
	await expect(
		a.page.locator('[data-testid="department-card"][data-name="Engineering"]')
	).toBeVisible();
	// Renaming in place checks the name with the API's own schema before sending it.
	await a.page.getByRole('button', { name: 'Rename department Engineering' }).click();
	const newName = a.page.getByRole('textbox', { name: 'New name for department Engineering' });
	await newName.fill('   ');
	await newName.press('Enter');
	await expect(
		a.page.getByRole('alert').filter({ hasText: 'Enter a name for the department.' })
	).toBeVisible();
	await newName.fill('Engineering ');
	await newName.press('Enter');
	await expect(newName).toBeHidden();
	await expect(a.page.getByRole('button', { name: 'Rename department Engineering' })).toBeFocused();
	await a.page.getByTestId('create-team-name').fill('Rocket Science');
	await a.page.getByTestId('create-team-department').selectOption({ label: 'in Engineering' });
	await a.page.getByTestId('create-team-submit').click();
	await expect(
		a.page.locator('[data-testid="team-row"][data-name="Rocket Science"]')
	).toBeVisible();
	await a.page.screenshot({ path: 'test-results/screenshots/admin-structure.png', fullPage: true });

	await a.page.goto('/admin/people');
	const row = a.page.locator(`[data-testid="person-row"][data-email="${b.email}"]`);
	await row.getByTestId('edit-person').click();
	await a.page.getByTestId('edit-person-department').selectOption({ label: 'Engineering' });
	await a.page.getByTestId('edit-person-team').selectOption({ label: 'Rocket Science' });
	await a.page.getByTestId('edit-person-role').selectOption('team_manager');
	await a.page.getByTestId('edit-person-save').click();
	await expect(row).toContainText('Team Manager');
	await expect(row).toContainText('Rocket Science');
	await a.page.screenshot({ path: 'test-results/screenshots/admin-people.png', fullPage: true });

	// B sees the new role and team on the next page, without signing in again.
	await b.page.goto('/home');
	await expect(b.page.getByText('Team Manager').first()).toBeVisible();
	await expect(b.page.getByText('Rocket Science').first()).toBeVisible();

	for (const viewer of [a, b]) {
		await viewer.page.goto('/directory');
		await expect(
			viewer.page.getByTestId('directory-person').filter({ hasText: 'Ada Lovelace' })
		).toBeVisible();
		await expect(
			viewer.page.getByTestId('directory-person').filter({ hasText: 'Grace Hopper' })
		).toBeVisible();
	}
	await b.page.getByTestId('directory-search').fill('rocket');
	await expect(b.page.getByTestId('directory-person')).toHaveCount(1);
	await expect(b.page.getByTestId('directory-person')).toContainText('Grace Hopper');

	await a.page.goto('/org-chart');
	const chart = a.page.getByTestId('org-chart-svg');
	await expect(chart).toBeVisible();
	await expect(
		chart.locator('[data-testid="org-chart-person"][data-name="Ada Lovelace"]')
	).toHaveCount(1);
	await expect(
		chart.locator('[data-testid="org-chart-person"][data-name="Grace Hopper"]')
	).toHaveCount(1);
	await expect(
		chart.locator('[data-testid="org-chart-team"][data-name="Rocket Science"]')
	).toHaveCount(1);
	await a.page.screenshot({ path: 'test-results/screenshots/org-chart.png', fullPage: true });
	await a.page.setViewportSize({ width: 390, height: 844 });
	await a.page.reload();
	await expect(a.page.getByTestId('org-chart-svg')).toBeVisible();
	// Let the chart's fade-in finish before the picture is taken.
	await a.page.waitForTimeout(600);
	await a.page.screenshot({ path: 'test-results/screenshots/org-chart-phone.png', fullPage: true });

	// B on a second device, ended from the first.
	const secondDevice = await signIn(browser, b.email);
	await b.page.goto('/settings/sessions');
	await expect(b.page.getByTestId('session-row')).toHaveCount(2);
	const other = b.page.locator('[data-testid="session-row"][data-current="false"]');
	await other.getByTestId('end-session').click();
	await expect(b.page.getByTestId('session-row')).toHaveCount(1);
	// Signed out on its next request (the live connection may even do it sooner: a navigation of
	// ours that its own redirect interrupts can hang, so each attempt gets a short timeout).
	await expect(async () => {
		if (!secondDevice.page.url().includes('/signin')) {
			await secondDevice.page.goto('/directory', { timeout: 5_000 }).catch(() => undefined);
		}
		expect(secondDevice.page.url()).toContain('/signin');
	}).toPass({ timeout: 15_000 });
	expect((await secondDevice.page.request.get('/api/me')).status()).toBe(401);
	await b.page.goto('/directory');
	await expect(b.page).toHaveURL(/\/directory/);

	for (const person of [a, b, secondDevice]) await person.context.close();
});

test('a Team Member cannot open the admin pages', async ({ browser }) => {
	const a = await createOrganization(browser, 'Closed Doors', 'Admin Person');
	await a.page.goto('/admin/join-code');
	const joinCode = (await a.page.getByTestId('join-code-value').innerText()).trim();
	const member = await joinOrganization(browser, joinCode, 'Plain Member');
	await expect(member.page.getByTestId('nav-admin')).toHaveCount(0);
	const response = await member.page.goto('/admin/people');
	expect(response?.status()).toBe(403);
	await a.context.close();
	await member.context.close();
});
