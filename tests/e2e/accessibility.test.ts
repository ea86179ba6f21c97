import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from './support/test.ts';
import { createOrganization, type Person } from './support/people.ts';
import { openChannel, send } from './support/chat.ts';

/**
 * axe-core on every main page, in light and in dark: no serious or critical violation of
 * WCAG 2.1 A/AA (contrast included).
 */
async function violations(page: Page): Promise<string[]> {
	const results = await new AxeBuilder({ page })
		.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
		.analyze();
	return results.violations
		.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
		.map(
			(violation) =>
				`${violation.id} (${violation.impact}): ${violation.help}\n` +
				violation.nodes
					.slice(0, 5)
					.map(
						(node) => `    ${node.target.join(' ')} ${node.failureSummary?.split('\n')[1] ?? ''}`
					)
					.join('\n')
		);
}

const pages = [
	'/home',
	'/directory',
	'/org-chart',
	'/settings/sessions',
	'/settings/notifications',
	'/admin/structure',
	'/admin/people',
	'/admin/join-code',
	'/admin/audit'
];

let admin: Person;

test.beforeAll(async ({ browser }) => {
	test.setTimeout(120_000);
	admin = await createOrganization(browser, 'Axe Works', 'Ada Admin');
	await openChannel(admin.page, 'Official Announcements');
	await send(admin.page, 'Welcome to Axe Works');
	await admin.page.getByTestId('composer-input').fill('Read **this** and _that_ — see `docs`');
	await admin.page.getByTestId('composer-input').press('Enter');
	await expect(admin.page.getByTestId('message')).toHaveCount(2);
});

test.afterAll(async () => {
	await admin?.context.close();
});

for (const scheme of ['light', 'dark'] as const) {
	test(`every main page passes axe in ${scheme}`, async () => {
		test.setTimeout(150_000);
		const page = admin.page;
		await page.emulateMedia({ colorScheme: scheme });
		const found: string[] = [];
		await openChannel(page, 'Official Announcements');
		for (const problem of await violations(page)) found.push(`channel: ${problem}`);
		for (const path of pages) {
			await page.goto(path);
			await expect(page.locator('main h1').first()).toBeVisible();
			for (const problem of await violations(page)) found.push(`${path}: ${problem}`);
		}
		expect(found, found.join('\n')).toEqual([]);
	});
}
