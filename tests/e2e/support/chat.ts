import { expect, type Page } from '@playwright/test';

/** A message in the list, found by its text. */
export function message(page: Page, text: string) {
	return page
		.getByTestId('message')
		.filter({ has: page.getByTestId('message-text').filter({ hasText: text }) });
}

/** Opens a channel from Home's sidebar and waits until its composer is there and online. */
export async function openChannel(page: Page, name: string) {
	await page.goto('/home');
	await page.locator(`[data-testid="channel-link"][data-name="${name}"]`).click();
	await expect(page.getByTestId('composer-input')).toBeVisible();
	await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'online');
}

/** Types and sends a message, and waits until it shows in the list. */
export async function send(page: Page, text: string) {
	await page.getByTestId('composer-input').fill(text);
	await page.getByTestId('composer-input').press('Enter');
	await expect(message(page, text)).toBeVisible();
}

/**
 * Waits until the service worker controls the page. Installing caches every asset of the app
 * first: slow on a busy machine. An install that failed (one asset request lost) is tried again
 * by the browser at the next page load, as a person's next visit would.
 */
export async function controlledByServiceWorker(page: Page) {
	const controlled = () =>
		page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, {
			timeout: 30_000
		});
	try {
		await controlled();
	} catch {
		await page.reload();
		await controlled();
	}
}
