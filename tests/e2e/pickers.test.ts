import { expect, test, type Locator, type Page } from './support/test.ts';
import { aliceInLaunchCrew } from './support/people.ts';

/**
 * Issue 13: the pickers on one accessible primitive (bits-ui). The quick switcher, the people
 * picker, the @mention list and the search suggestions are comboboxes whose listbox, options and
 * highlighted option (aria-selected, aria-activedescendant) the screen reader can follow; the keys
 * are the ones users have (arrows, Enter, Tab for mentions, Escape) plus Home/End in the lists
 * that own the focus; the mention list opens at the @ being completed, not at the box's edge.
 */

/**
 * A test with Alice's page, the channel of her team Launch Crew open (see aliceInLaunchCrew), in
 * an organization of the test's own; her browser is closed after the test.
 */
const withAlice = test.extend<{ alicePage: Page }>({
	alicePage: async ({ browser }, use, testInfo) => {
		const alice = await aliceInLaunchCrew(browser, `Pickers ${testInfo.testId}`);
		await use(alice.page);
		await alice.context.close();
	}
});

/** The option the combobox announces: its aria-activedescendant, which must be aria-selected. */
async function announced(combobox: Locator): Promise<Locator> {
	const id = await combobox.getAttribute('aria-activedescendant');
	expect(id, 'aria-activedescendant').toBeTruthy();
	const option = combobox.page().locator(`[id="${id}"]`);
	await expect(option).toHaveAttribute('role', 'option');
	await expect(option).toHaveAttribute('aria-selected', 'true');
	return option;
}

/** The listbox the combobox controls. */
function controlled(page: Page, id: string | null): Locator {
	expect(id, 'aria-controls').toBeTruthy();
	return page.locator(`[id="${id}"]`);
}

withAlice(
	'quick switcher: a combobox over a listbox, Home/End/arrows, Escape returns the focus',
	async ({ alicePage: page }) => {
		const composer = page.getByTestId('composer-input');
		await composer.focus();
		await page.keyboard.press('Control+k');
		const input = page.getByTestId('quick-switcher-input');
		await expect(input).toBeFocused();
		await expect(input).toHaveAttribute('role', 'combobox');
		await expect(input).toHaveAttribute('aria-expanded', 'true');
		await expect(input).toHaveAccessibleName('Channel or person');
		const list = controlled(page, await input.getAttribute('aria-controls'));
		await expect(list).toHaveAttribute('role', 'listbox');
		const options = list.getByRole('option');
		const count = await options.count();
		expect(count).toBeGreaterThanOrEqual(3);

		// The first is highlighted; arrows move, End and Home jump, ArrowUp from the first loops.
		await expect(options.first()).toHaveAttribute('aria-selected', 'true');
		expect(await (await announced(input)).getAttribute('id')).toBe(
			await options.first().getAttribute('id')
		);
		await page.keyboard.press('ArrowDown');
		await expect(options.nth(1)).toHaveAttribute('aria-selected', 'true');
		await expect(options.first()).toHaveAttribute('aria-selected', 'false');
		expect(await (await announced(input)).getAttribute('id')).toBe(
			await options.nth(1).getAttribute('id')
		);
		await page.keyboard.press('End');
		await expect(options.last()).toHaveAttribute('aria-selected', 'true');
		await page.keyboard.press('Home');
		await expect(options.first()).toHaveAttribute('aria-selected', 'true');
		await page.keyboard.press('ArrowUp');
		await expect(options.last()).toHaveAttribute('aria-selected', 'true');

		// Typing narrows and highlights the best match again.
		await input.fill('launch');
		await expect(options).toHaveCount(1);
		await expect(options.first()).toHaveAttribute('data-name', 'Launch Crew');
		await expect(options.first()).toHaveAttribute('aria-selected', 'true');

		// Escape closes it and gives the focus back to the composer.
		await page.keyboard.press('Escape');
		await expect(page.getByTestId('quick-switcher')).toBeHidden();
		await expect(composer).toBeFocused();

		// Enter opens the highlighted conversation.
		await page.keyboard.press('Control+k');
		await input.fill('product');
		await expect(options.first()).toHaveAttribute('aria-selected', 'true');
		await page.keyboard.press('Enter');
		await expect(page.getByTestId('quick-switcher')).toBeHidden();
		await expect(page.getByRole('heading', { level: 1 })).toContainText('Product');
	}
);

withAlice(
	'mention list: opens at the @, arrows, Tab and Enter pick, Escape closes, caret keys stay the box’s',
	async ({ alicePage: page }) => {
		const composer = page.getByTestId('composer-input');

		await composer.pressSequentially('Hello there, could we ask @Bru', { delay: 20 });
		await expect(composer).toHaveAttribute('aria-expanded', 'true');
		const list = controlled(page, await composer.getAttribute('aria-controls'));
		await expect(list).toBeVisible();
		await expect(list).toHaveAttribute('role', 'listbox');
		const brunoOption = list.locator('[data-testid="mention-option"][data-name="Bruno Baker"]');
		await expect(brunoOption).toHaveAttribute('aria-selected', 'true');
		expect(await (await announced(composer)).getAttribute('id')).toBe(
			await brunoOption.getAttribute('id')
		);

		// Next to the @, above the box: not at the box's left edge.
		const box = (await composer.boundingBox())!;
		const listBox = (await list.boundingBox())!;
		expect(listBox.y + listBox.height).toBeLessThanOrEqual(box.y + 2);
		expect(listBox.x).toBeGreaterThan(box.x + 120);
		expect(listBox.x).toBeLessThan(box.x + box.width);

		// Tab picks, the box keeps the focus.
		await page.keyboard.press('Tab');
		await expect(composer).toHaveValue('Hello there, could we ask @Bruno Baker ');
		await expect(composer).toBeFocused();
		await expect(composer).toHaveAttribute('aria-expanded', 'false');

		// Arrows move through people and groups, Enter picks (and does not send).
		await composer.pressSequentially('and @', { delay: 20 });
		const options = list.getByRole('option');
		await expect(options.first()).toHaveAttribute('aria-selected', 'true');
		await page.keyboard.press('ArrowDown');
		await expect(options.nth(1)).toHaveAttribute('aria-selected', 'true');
		await expect(options.nth(1)).toHaveAttribute('data-name', 'channel');
		await page.keyboard.press('Enter');
		await expect(composer).toHaveValue('Hello there, could we ask @Bruno Baker and @channel ');
		await expect(page.getByTestId('message')).toHaveCount(0);

		// Escape closes the list only; the text stays.
		await composer.pressSequentially('@', { delay: 20 });
		await expect(list).toBeVisible();
		await page.keyboard.press('Escape');
		await expect(composer).toHaveAttribute('aria-expanded', 'false');
		await expect(list).toBeHidden();
		await expect(composer).toBeFocused();
		await expect(composer).toHaveValue('Hello there, could we ask @Bruno Baker and @channel @');

		// With the list closed, the arrows move the caret in the text.
		await composer.fill('first line');
		await page.keyboard.press('Shift+Enter');
		await page.keyboard.type('second');
		await page.keyboard.press('ArrowUp');
		const caret = await composer.evaluate((node) => (node as HTMLTextAreaElement).selectionStart);
		expect(caret).toBeLessThanOrEqual('first line'.length);
	}
);

withAlice(
	'people picker: combobox, highlighted person announced, Enter chooses',
	async ({ alicePage: page }) => {
		await page.getByTestId('new-dm').click();
		const dialog = page.getByTestId('new-dm-dialog');
		const input = dialog.getByRole('combobox', { name: 'People' });
		await expect(input).toBeFocused();
		await expect(input).toHaveAttribute('aria-expanded', 'true');
		const list = controlled(page, await input.getAttribute('aria-controls'));
		await expect(list).toHaveAttribute('role', 'listbox');
		await input.pressSequentially('Bru', { delay: 30 });
		const option = list.locator('[data-testid="dm-person-option"][data-name="Bruno Baker"]');
		await expect(option).toHaveAttribute('aria-selected', 'true');
		await expect(list.getByRole('option')).toHaveCount(1);
		expect(await (await announced(input)).getAttribute('id')).toBe(await option.getAttribute('id'));
		await page.keyboard.press('Enter');
		await expect(dialog.getByRole('list', { name: 'Chosen' })).toContainText('Bruno Baker');
		await expect(input).toHaveValue('');
		await expect(dialog.getByTestId('new-dm-start')).toBeEnabled();
	}
);

withAlice(
	'search suggestions: listbox under the word, Tab completes, arrows then move the results',
	async ({ alicePage: page }) => {
		for (const text of ['Deploy one', 'Deploy two']) {
			await page.getByTestId('composer-input').fill(text);
			await page.getByTestId('composer-input').press('Enter');
		}

		await page.keyboard.press('Control+Shift+F');
		const input = page.getByTestId('search-input');
		await expect(input).toBeFocused();
		await input.pressSequentially('deploy fr', { delay: 20 });
		await expect(input).toHaveAttribute('aria-expanded', 'true');
		const suggestions = controlled(page, await input.getAttribute('aria-controls'));
		await expect(suggestions).toHaveAttribute('role', 'listbox');
		const from = suggestions.locator('[data-testid="search-filter-option"][data-value="from:"]');
		await expect(from).toHaveAttribute('aria-selected', 'true');
		expect(await (await announced(input)).getAttribute('id')).toBe(await from.getAttribute('id'));
		// Under the word it completes, not at the start of the box.
		const word = (await input.boundingBox())!;
		const listBox = (await suggestions.boundingBox())!;
		expect(listBox.y).toBeGreaterThanOrEqual(word.y + word.height - 2);
		expect(listBox.x).toBeGreaterThan(word.x + 40);

		await page.keyboard.press('Tab');
		await expect(input).toHaveValue('deploy from:');
		await expect(input).toBeFocused();
		await expect(
			suggestions.locator('[data-testid="search-filter-option"]', { hasText: 'Alice Archer' })
		).toBeVisible();
		await page.keyboard.press('Escape');
		await expect(input).toHaveAttribute('aria-expanded', 'false');
		await expect(page.getByTestId('search-panel')).toBeVisible();

		// With the suggestions closed, the arrows move through the results (announced too), once
		// the new text's search has run: until then the list is busy, and its results (those of
		// "deploy from:") are about to be replaced, the first highlighted again.
		await input.fill('deploy');
		await expect(page.getByRole('listbox', { name: 'Results' })).toHaveAttribute(
			'aria-busy',
			'false'
		);
		await expect(page.getByTestId('search-result')).toHaveCount(2);
		const results = page.getByTestId('search-result');
		await expect(results.first()).toHaveAttribute('aria-selected', 'true');
		const chosen = page.locator('[data-testid="search-result"][aria-selected="true"]');
		const first = await chosen.getAttribute('id');
		await page.keyboard.press('ArrowDown');
		await expect(chosen).not.toHaveAttribute('id', first!);
		await expect(chosen).toHaveCount(1);
		expect(await (await announced(input)).getAttribute('id')).toBe(await chosen.getAttribute('id'));
		const second = await chosen.locator('.result-text').innerText();
		await page.keyboard.press('Enter');
		await expect(page.getByTestId('message-highlighted')).toContainText(second);
	}
);

test('pickers look right: desktop and phone, light and dark', async ({ browser }) => {
	test.setTimeout(180_000);
	const alice = await aliceInLaunchCrew(browser, 'Picker Looks');
	const page = alice.page;
	const composer = page.getByTestId('composer-input');
	const sizes = {
		desktop: { width: 1280, height: 800 },
		phone: { width: 390, height: 844 }
	};
	for (const scheme of ['light', 'dark'] as const) {
		await page.emulateMedia({ colorScheme: scheme });
		for (const [device, size] of Object.entries(sizes)) {
			await page.setViewportSize(size);
			// On a phone the navigation is a drawer: wait until it has slid away.
			if (device === 'phone') {
				await expect(page.getByRole('complementary', { name: 'Navigation' })).toBeHidden();
			}
			const shot = (name: string) =>
				page.screenshot({ path: `test-results/screenshots/${name}-${device}-${scheme}.png` });

			await composer.fill('');
			await composer.pressSequentially('Could you look at this, @', { delay: 10 });
			await expect(page.locator('[data-testid="mention-option"]').first()).toBeVisible();
			await shot('picker-mention');
			await page.keyboard.press('Escape');
			await composer.fill('');

			await composer.focus();
			await page.keyboard.press('Control+k');
			await expect(page.getByTestId('quick-switcher-input')).toBeFocused();
			await shot('picker-switcher');
			await page.keyboard.press('Escape');
			await expect(page.getByTestId('quick-switcher')).toBeHidden();

			// In a conversation on a phone, its back arrow is the way to the navigation.
			if (device === 'phone') {
				await page.getByRole('button', { name: 'Back to conversations' }).click();
			}
			await page.getByTestId('new-dm').click();
			const dialog = page.getByTestId('new-dm-dialog');
			await dialog.getByRole('combobox').pressSequentially('Bru', { delay: 20 });
			await expect(dialog.getByTestId('dm-person-option')).toHaveCount(1);
			await shot('picker-people');
			await dialog.getByRole('button', { name: 'Cancel' }).click();
			await expect(dialog).toBeHidden();
			if (device === 'phone') await page.keyboard.press('Escape');
		}
	}
	await alice.context.close();
});
