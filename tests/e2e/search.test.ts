import { expect, test, type Page } from './support/test.ts';
import { founderAndTeam, founderInChannel } from './support/people.ts';
import { message, openChannel } from './support/chat.ts';

/**
 * Issue 4's search in the browser: partial words, case and accents, filters typed with
 * autocomplete or chosen from the filter bar, results merged without duplicates, and a result
 * that opens the message in its channel, scrolled to and highlighted (in a thread too).
 */

async function send(page: Page, text: string) {
	await page.getByTestId('composer-input').fill(text);
	await page.getByTestId('composer-input').press('Enter');
	await expect(message(page, text)).toHaveAttribute('data-pending', 'false');
}

async function search(page: Page, text: string) {
	if (!(await page.getByTestId('search-panel').isVisible())) {
		await page.getByTestId('search-open').click();
	}
	await page.getByTestId('search-input').fill(text);
}

async function resultTexts(page: Page): Promise<string[]> {
	return page.getByTestId('search-result').locator('.result-text').allInnerTexts();
}

test('search finds partial words, filters, and opens the message highlighted', async ({
	browser
}) => {
	test.setTimeout(150_000);
	const { founder: alice, bruno } = await founderAndTeam(browser, 'Search Works', 'Alice Archer');

	// History: the message to find first, then enough after it to push it out of view.
	await openChannel(bruno.page, 'Launch Crew');
	await send(bruno.page, 'The Deployment to staging went fine');
	await send(bruno.page, 'Résumé of the release is in https://wiki.example.com/release');
	for (let n = 1; n <= 30; n++) await send(bruno.page, `Status note number ${n}`);
	await message(bruno.page, 'Status note number 30').hover();
	await message(bruno.page, 'Status note number 30').getByTestId('message-reply').click();
	await bruno.page.getByTestId('thread-composer-input').fill('Rollback plan for the deployment');
	await bruno.page.getByTestId('thread-composer-input').press('Enter');
	await openChannel(alice.page, 'Launch Crew');
	await send(alice.page, 'Deploy window opens at noon');
	await expect(message(alice.page, 'The Deployment to staging went fine')).toBeAttached();

	// Partial word, any case: "deplo" finds deployment and deploy, and marks the match.
	const page = alice.page;
	await page.keyboard.press('Control+Shift+F');
	await expect(page.getByTestId('search-input')).toBeFocused();
	await search(page, 'deplo');
	await expect(page.getByTestId('search-result')).toHaveCount(3);
	const texts = await resultTexts(page);
	expect(texts).toEqual(
		expect.arrayContaining([
			'The Deployment to staging went fine',
			'Deploy window opens at noon',
			'Rollback plan for the deployment'
		])
	);
	await expect(page.getByTestId('search-result').first().locator('mark')).toHaveText(/^deplo$/i);
	// Every message once, even with the server's results merged in.
	const resultIds = await page
		.getByTestId('search-result')
		.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-id')));
	expect(new Set(resultIds).size).toBe(resultIds.length);

	// Accents and case do not matter.
	await search(page, 'RESUME');
	await expect(page.getByTestId('search-result')).toHaveCount(1);
	await expect(page.getByTestId('search-result')).toContainText('Résumé of the release');

	// A filter by autocomplete: from: completes to people.
	await search(page, 'deplo from:bru');
	await page.locator('[data-testid="search-filter-option"]', { hasText: 'Bruno Baker' }).click();
	await expect(page.getByTestId('search-input')).toHaveValue('deplo from:"Bruno Baker" ');
	await expect(page.getByTestId('search-result')).toHaveCount(2);
	expect(await resultTexts(page)).not.toContain('Deploy window opens at noon');

	// Filter keys complete too, and the filter bar adds filters.
	await search(page, 'is:th');
	await expect(
		page.locator('[data-testid="search-filter-option"][data-value="is:thread"]')
	).toBeVisible();
	await search(page, 'release');
	await page.locator('[data-testid="search-filter"][data-filter="has:link"]').click();
	await expect(page.getByTestId('search-input')).toHaveValue('release has:link ');
	await expect(page.getByTestId('search-result')).toHaveCount(1);
	await search(page, 'note mentions:me');
	await expect(page.getByTestId('search-result')).toHaveCount(0);

	// A result opens the message in its channel, scrolled to and highlighted.
	await search(page, 'staging');
	await expect(page.getByTestId('search-result')).toHaveCount(1);
	await page.getByTestId('search-result').click();
	const found = page.getByTestId('message-highlighted');
	await expect(found).toContainText('The Deployment to staging went fine');
	await expect(found).toBeInViewport();
	await page.screenshot({ path: 'test-results/screenshots/search-opened.png' });

	// A thread reply opens its thread, highlighted there.
	await search(page, 'rollb');
	// Wait for this query's result: a click on the previous one would open the wrong message.
	await expect(page.getByTestId('search-result')).toContainText('Rollback plan');
	await page.getByTestId('search-result').click();
	await expect(page.getByTestId('thread-panel')).toBeVisible();
	await expect(page.getByTestId('thread-panel').getByTestId('message-highlighted')).toContainText(
		'Rollback plan for the deployment'
	);

	await alice.context.close();
	await bruno.context.close();
});

test('results read as text, a bare filter key is no word, suggestions leave the filter bar be', async ({
	browser
}) => {
	test.setTimeout(90_000);
	const alice = await founderInChannel(
		browser,
		'Search Reads',
		'Alice Archer',
		'Official Announcements'
	);
	const page = alice.page;
	await page
		.getByTestId('composer-input')
		.fill('**Deploy** from `staging` to [production](https://example.com/prod) now');
	await page.getByTestId('composer-input').press('Enter');
	await expect(message(page, 'Deploy from staging to production now')).toHaveAttribute(
		'data-pending',
		'false'
	);
	await page.getByTestId('search-open').click();

	// The snippet is the message as read: no ** or backticks, no link target.
	await search(page, 'deplo');
	const result = page.getByTestId('search-result').locator('.result-text');
	await expect(result).toHaveText('Deploy from staging to production now');
	await expect(result.locator('mark')).toHaveText(['Deplo']);

	// "from:" still being typed is not the word "from".
	await search(page, 'deplo from:');
	await expect(result.locator('mark')).toHaveText(['Deplo']);

	// The suggestions of "from:" open over the filter bar: it steps aside until they close.
	const options = page.getByTestId('search-filter-option');
	await expect(options.first()).toBeVisible();
	const listBox = (await page.getByRole('listbox', { name: 'Filters' }).boundingBox())!;
	for (const chip of await page.getByTestId('search-filter').all()) {
		if (!(await chip.isVisible())) continue;
		const box = (await chip.boundingBox())!;
		const overlaps =
			box.x < listBox.x + listBox.width &&
			listBox.x < box.x + box.width &&
			box.y < listBox.y + listBox.height &&
			listBox.y < box.y + box.height;
		expect(overlaps, `a visible filter button at ${box.x},${box.y} is under the suggestions`).toBe(
			false
		);
	}
	await expect(page.getByTestId('search-filter').first()).toBeHidden();
	await page.getByTestId('search-input').press('Escape');
	await expect(options).toHaveCount(0);
	await expect(page.getByTestId('search-filter').first()).toBeVisible();
	await alice.context.close();
});
