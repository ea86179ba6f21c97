import { expect, test, type Page } from './support/test.ts';
import { founderAndTeam } from './support/people.ts';

/** What Ada's members panel shows for Bruno. */
function brunoDot(page: Page) {
	return page
		.getByTestId('members-panel')
		.getByTestId('member')
		.filter({ hasText: 'Bruno Baker' })
		.getByTestId('presence-dot');
}

async function setVisibility(page: Page, state: DocumentVisibilityState) {
	await page.evaluate((value) => {
		Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => value });
		Object.defineProperty(document, 'hidden', {
			configurable: true,
			get: () => value === 'hidden'
		});
		document.dispatchEvent(new Event('visibilitychange'));
	}, state);
}

test('a person whose only tab is hidden shows as away, and online again on return', async ({
	browser
}) => {
	test.setTimeout(90_000);
	const { founder: ada, bruno } = await founderAndTeam(browser, 'Presence Works', 'Ada Lovelace');
	// Bruno's page keeps its own clock, so that half a minute hidden passes in a moment.
	await bruno.page.clock.install();
	await bruno.page.goto('/home');
	await ada.page.goto('/home');
	await ada.page.getByRole('link', { name: 'Launch Crew' }).first().click();
	await ada.page.getByTestId('members-toggle').click();
	await expect(brunoDot(ada.page)).toHaveAttribute('data-status', 'online', { timeout: 15_000 });

	// Bruno switches to another tab. Headless Chromium keeps every page visible (Playwright
	// emulates focus), so the browser's signal is given as it would give it.
	await setVisibility(bruno.page, 'hidden');
	await bruno.page.clock.fastForward('00:45');
	await expect(brunoDot(ada.page)).toHaveAttribute('data-status', 'away', { timeout: 15_000 });
	// Said in words too, not by a dot's colour alone.
	const panel = ada.page.getByTestId('members-panel');
	await expect(panel.getByTestId('member').filter({ hasText: 'Bruno Baker' })).toContainText(
		'Away'
	);
	await expect(panel).toContainText('1 online · 1 away');
	await ada.page.screenshot({ path: 'test-results/screenshots/presence-away.png' });

	await setVisibility(bruno.page, 'visible');
	await expect(brunoDot(ada.page)).toHaveAttribute('data-status', 'online', { timeout: 15_000 });
	await expect(panel).toContainText('2 online');
	await ada.context.close();
	await bruno.context.close();
});
