import { expect, type Page } from '@playwright/test';

/**
 * Opens an admin section as a person would: the Administration tab `tab` on /admin, then waits
 * for its page (`/admin/<path>`) and its heading.
 */
export async function openAdminSection(page: Page, tab: string, path: string, heading: string) {
	await page.goto('/admin');
	await page
		.getByRole('navigation', { name: 'Administration sections' })
		.getByRole('link', { name: tab })
		.click();
	await page.waitForURL(`**/admin/${path}`);
	await expect(page.getByRole('heading', { name: heading })).toBeVisible();
}
