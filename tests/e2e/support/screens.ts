import type { Page } from '@playwright/test';

const SIZES = [
	['desktop', { width: 1280, height: 800 }],
	['phone', { width: 390, height: 844 }]
] as const;

/**
 * Screenshots of what the page shows, at desktop and phone size, in the light and the dark
 * theme: `<path>-<size>-<scheme>.png`. The app's own theme switch is set as well as the media
 * query, so a person's saved choice does not hide one of them. `settle` runs before each shot
 * (bring into view what the shot is about); the page is left at desktop size.
 */
export async function screenshotsAtSizes(
	page: Page,
	path: string,
	settle: (page: Page) => Promise<void> = async () => {}
): Promise<void> {
	for (const scheme of ['light', 'dark'] as const) {
		await page.evaluate((theme) => {
			localStorage.setItem('cf-theme', theme);
			document.documentElement.dataset.theme = theme;
		}, scheme);
		await page.emulateMedia({ colorScheme: scheme });
		for (const [size, viewport] of SIZES) {
			await page.setViewportSize(viewport);
			await settle(page);
			// Lets a layout change (the phone's drawer, a wrapped toolbar) settle.
			await page.waitForTimeout(150);
			await page.screenshot({ path: `${path}-${size}-${scheme}.png` });
		}
	}
	await page.setViewportSize({ width: 1280, height: 800 });
}
