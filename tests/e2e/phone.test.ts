import { expect, test } from './support/test.ts';
import { createOrganization } from './support/people.ts';

/**
 * Issue 14's rough edges on a phone (390 px): one way back from a conversation, the admin
 * tabs all in view, and a composer placeholder on one line.
 */

const PHONE = { width: 390, height: 844 };

test('on a phone: one way back from a conversation, every admin tab in view, a one-line composer', async ({
	browser
}) => {
	test.setTimeout(90_000);
	const alice = await createOrganization(browser, 'Pocket Co', 'Alice Archer', {
		viewport: PHONE
	});
	const page = alice.page;
	const menu = page.getByRole('button', { name: 'Open navigation' });
	const back = page.getByRole('button', { name: 'Back to conversations' });

	// Outside a conversation the top bar's menu button opens the navigation.
	await expect(menu).toBeVisible();
	await menu.click();
	await page.locator('[data-testid="channel-link"][data-name="Official Announcements"]').click();
	await expect(page.getByTestId('composer-input')).toBeVisible();

	// In a conversation: its back arrow, and no menu button beside it.
	await expect(back).toBeVisible();
	await expect(menu).toBeHidden();
	// The back arrow leads to the channel list, and focus returns to it when that closes.
	await back.click();
	await expect(
		page.locator('[data-testid="channel-link"][data-name="Official Announcements"]')
	).toBeInViewport();
	await page.keyboard.press('Escape');
	await expect(back).toBeFocused();

	// The composer's placeholder fits on one line; its accessible name is still the full one.
	const composer = page.getByTestId('composer-input');
	await expect(composer).toHaveAttribute('placeholder', 'Message');
	await expect(page.getByLabel('Message #Official Announcements')).toBeVisible();
	const lines = await composer.evaluate((box: HTMLTextAreaElement) => {
		const style = getComputedStyle(box);
		const padding = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom);
		return Math.round((box.scrollHeight - padding) / parseFloat(style.lineHeight));
	});
	expect(lines, 'lines the empty composer takes').toBe(1);

	// Every admin tab is in view, none cut off.
	await page.goto('/admin');
	const tabs = page.getByRole('navigation', { name: 'Administration sections' }).getByRole('link');
	await expect(tabs).toHaveCount(9);
	for (const tab of await tabs.all()) {
		const box = (await tab.boundingBox())!;
		expect(
			box.x >= 0 && box.x + box.width <= PHONE.width,
			`tab "${await tab.innerText()}" spans ${Math.round(box.x)}–${Math.round(box.x + box.width)} px`
		).toBe(true);
		const clipped = await tab.evaluate((link) => {
			const strip = link.parentElement!;
			return strip.scrollWidth > strip.clientWidth + 1;
		});
		expect(clipped, 'the tab strip is wider than the screen').toBe(false);
	}
	await alice.context.close();
});
