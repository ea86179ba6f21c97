import type { Page } from '@playwright/test';
import { expect, test } from './support/test.ts';
import { founderInChannel } from './support/people.ts';
import { drawnInColour, pickEmoji } from './support/emoji.ts';
import { controlledByServiceWorker, message, send } from './support/chat.ts';

// What the service worker does is part of what this file tests (playwright.config.ts blocks it).
test.use({ serviceWorkers: 'allow' });

/**
 * Issue 13: the emoji picker is emoji-picker-element with its data served by the app, for
 * reactions and for the composer; emoji are drawn with the app's own emoji font (Noto Color
 * Emoji), so they show on a machine without one (this one's Chromium may have none); and the
 * picker opens offline after one visit, its data and the font coming from the service worker.
 */

const CHANNEL = 'Official Announcements';

test('react and write with the emoji picker; emoji drawn with the app’s font', async ({
	browser
}) => {
	const alice = await founderInChannel(browser, 'Emoji Works', 'Alice Archer', CHANNEL);
	const page = alice.page;
	await send(page, 'Picker time');

	// A reaction from the message's toolbar: search "thumbs", pick 👍.
	await message(page, 'Picker time').hover();
	await message(page, 'Picker time').getByTestId('message-react').click();
	await pickEmoji(page, 'thumbs', '👍');
	const chip = message(page, 'Picker time').locator(
		'[data-testid="reaction-chip"][data-emoji="👍"]'
	);
	await expect(chip).toHaveAttribute('data-count', '1');
	await expect(chip).toHaveAttribute('aria-pressed', 'true');

	// The reaction is drawn with Noto Color Emoji, shipped by the app, in colour.
	await expect
		.poll(() => page.evaluate(() => document.fonts.check('16px "Noto Color Emoji"', '👍')))
		.toBe(true);
	expect(await drawnInColour(page, '👍', '"Noto Color Emoji"')).toBe(true);

	// The composer: the emoji goes where the caret is, by mouse…
	const input = page.getByTestId('composer-input');
	await input.fill('Ship it ');
	await page.getByTestId('composer-emoji').click();
	await pickEmoji(page, 'thumbs', '👍');
	await expect(input).toHaveValue('Ship it 👍');
	await expect(input).toBeFocused();

	// …and by keyboard: the search has the focus, arrows choose, Enter picks.
	await page.getByTestId('composer-emoji').click();
	await expect(page.getByTestId('emoji-picker').locator('input#search')).toBeFocused();
	await page.keyboard.type('party popper');
	// The picker takes each keystroke's text in when the page is next idle (requestIdleCallback),
	// and each time forgets the option the arrows chose: an arrow pressed while one is still to
	// come is undone (on a busy machine "party p" already shows the one emoji below). Idle
	// callbacks run in the order they were asked for, so once this one has run, all of its have.
	await page.evaluate(() => new Promise((resolve) => requestIdleCallback(resolve)));
	// Then its search answers: the one emoji of that name.
	await expect(page.getByTestId('emoji-picker').locator('button[role="option"]')).toHaveCount(1);
	await expect(page.getByTestId('emoji-picker').locator('[id^="emo-🎉"]')).toBeVisible();
	await page.keyboard.press('ArrowDown');
	await expect(page.getByTestId('emoji-picker').locator('input#search')).toHaveAttribute(
		'aria-activedescendant',
		/^emo-🎉/
	);
	await page.keyboard.press('Enter');
	await expect(page.getByTestId('emoji-picker')).toHaveCount(0);
	await expect(input).toHaveValue('Ship it 👍🎉');
	await input.press('Enter');
	await expect(message(page, 'Ship it 👍🎉')).toBeVisible();

	// Escape closes the picker and gives the focus back to its button.
	await page.getByTestId('composer-emoji').click();
	await expect(page.getByTestId('emoji-picker')).toBeVisible();
	await page.keyboard.press('Escape');
	await expect(page.getByTestId('emoji-picker')).toHaveCount(0);
	await expect(page.getByTestId('composer-emoji')).toBeFocused();

	await alice.context.close();
});

test('offline after one visit, the picker still shows its emoji, in the app’s font', async ({
	browser
}) => {
	const alice = await founderInChannel(browser, 'Emoji Offline', 'Alice Archer', CHANNEL);
	const page = alice.page;
	await controlledByServiceWorker(page);
	await send(page, 'Before the tunnel');
	// The install leaves the emoji font out; after the visit the worker keeps its files (eleven
	// Unicode ranges) in the background.
	await expect.poll(() => keptEmojiFontFiles(page), { timeout: 60_000 }).toBeGreaterThanOrEqual(11);

	// The picker was never opened online: its data and the font come from the service worker.
	await alice.context.setOffline(true);
	await page.reload();
	await expect(message(page, 'Before the tunnel')).toBeVisible();
	await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'offline');

	await message(page, 'Before the tunnel').hover();
	await message(page, 'Before the tunnel').getByTestId('message-react').click();
	const picker = page.getByTestId('emoji-picker');
	await expect(picker.locator('button.emoji[role="menuitem"]').first()).toBeVisible();
	// The favourites row (eight at most) and the first category's grid load one after the other.
	await expect
		.poll(() => picker.locator('button.emoji[role="menuitem"]').count())
		.toBeGreaterThan(20);
	await pickEmoji(page, 'thumbs', '👍');
	await expect(
		message(page, 'Before the tunnel').locator('[data-testid="reaction-chip"][data-emoji="👍"]')
	).toHaveAttribute('data-count', '1');
	expect(await drawnInColour(page, '🎉', '"Noto Color Emoji"')).toBe(true);

	await alice.context.close();
});

/** How many of the emoji font's files the service worker has kept. */
function keptEmojiFontFiles(page: Page): Promise<number> {
	return page.evaluate(async () => {
		let kept = 0;
		for (const key of await caches.keys()) {
			const requests = await (await caches.open(key)).keys();
			kept += requests.filter((request) => request.url.includes('noto-color-emoji-')).length;
		}
		return kept;
	});
}
