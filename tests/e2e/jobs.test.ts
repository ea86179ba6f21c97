import AxeBuilder from '@axe-core/playwright';
import { expect, test } from './support/test.ts';
import { createOrganization, joinOrganization } from './support/people.ts';
import { openAdminSection } from './support/admin.ts';

/**
 * The Super Admin opens Administration → Jobs and sees the job queues of the running server,
 * the hourly cleanup of abandoned uploads among them; a member is refused, on the page and by
 * the API. Screenshots at desktop and phone size, light and dark, for a person to look at.
 */
test('the Super Admin sees the job queues; a member is refused', async ({ browser }) => {
	test.setTimeout(120_000);
	const ada = await createOrganization(browser, 'Jobs Works', 'Ada Admin');
	const page = ada.page;
	await openAdminSection(page, 'Jobs', 'jobs', 'Background jobs');
	const cleanup = page.locator(
		'[data-testid="job-queue"][data-queue="files.cleanup-abandoned-uploads"]'
	);
	await expect(cleanup).toBeVisible();
	await expect(cleanup.getByText('Cleanup of abandoned uploads')).toBeVisible();
	for (const count of ['queued', 'running', 'failed', 'completed']) {
		await expect(cleanup.getByTestId(`job-count-${count}`)).toHaveText(/\d+/);
	}
	await expect(page.getByText('No failed jobs.')).toBeVisible();
	// Refresh goes through the API contract (GET /api/admin/jobs).
	const answer = page.waitForResponse((response) => response.url().includes('/api/admin/jobs'));
	await page.getByTestId('jobs-refresh').click();
	expect((await answer).status()).toBe(200);
	await expect(cleanup).toBeVisible();

	for (const scheme of ['light', 'dark'] as const) {
		await page.emulateMedia({ colorScheme: scheme });
		for (const [size, viewport] of [
			['desktop', { width: 1280, height: 800 }],
			['phone', { width: 390, height: 844 }]
		] as const) {
			await page.setViewportSize(viewport);
			// Loaded at that size: the navigation drawer does not slide away mid-screenshot.
			await page.reload();
			await expect(cleanup).toBeVisible();
			await page.screenshot({
				path: `test-results/screenshots/admin-jobs-${size}-${scheme}.png`,
				fullPage: true
			});
		}
		const results = await new AxeBuilder({ page })
			.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
			.analyze();
		const serious = results.violations.filter(
			(violation) => violation.impact === 'serious' || violation.impact === 'critical'
		);
		expect(serious.map((violation) => `${violation.id}: ${violation.help}`)).toEqual([]);
	}

	const { joinCode } = await (await page.request.get('/api/join-code')).json();
	const mia = await joinOrganization(browser, joinCode, 'Mia Member');
	const refused = await mia.page.request.get('/api/admin/jobs');
	expect(refused.status()).toBe(403);
	expect(await refused.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
	const response = await mia.page.goto('/admin/jobs');
	expect(response?.status()).toBe(403);
	await expect(
		mia.page.getByRole('heading', { name: 'You don’t have access to this' })
	).toBeVisible();
	await mia.context.close();
	await ada.context.close();
});
