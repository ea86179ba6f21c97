import { expect, test } from './support/test.ts';
import { founderInChannel } from './support/people.ts';
import { message, send } from './support/chat.ts';

test.describe.configure({ timeout: 90_000 });

/** Keyboard paths through a conversation: panels give focus back to where it came from. */
test('closing a thread or the members panel with Escape returns focus to its opener', async ({
	browser
}) => {
	const ada = await founderInChannel(browser, 'Keys Works', 'Ada Keys', 'Official Announcements');
	const page = ada.page;
	await send(page, 'Where do we keep the keys?');

	const members = page.getByTestId('members-toggle');
	await members.focus();
	await page.keyboard.press('Enter');
	await expect(page.getByTestId('members-panel')).toBeVisible();
	await page.keyboard.press('Escape');
	await expect(page.getByTestId('members-panel')).toBeHidden();
	await expect(members).toBeFocused();

	const reply = message(page, 'Where do we keep the keys?').getByRole('button', {
		name: 'Reply in thread'
	});
	await reply.focus();
	await page.keyboard.press('Enter');
	await expect(page.getByTestId('thread-panel')).toBeVisible();
	await expect(
		page.getByTestId('thread-panel').getByRole('combobox', { name: 'Reply…' })
	).toBeFocused();
	await page.keyboard.press('Escape');
	await expect(page.getByTestId('thread-panel')).toBeHidden();
	await expect(reply).toBeFocused();
	await ada.context.close();
});

test('the message list is one tab stop, and arrow keys move between messages', async ({
	browser
}) => {
	const ada = await founderInChannel(
		browser,
		'Arrows Works',
		'Ada Arrows',
		'Official Announcements'
	);
	const page = ada.page;
	for (const text of ['First of three', 'Second of three', 'Third of three'])
		await send(page, text);

	// From the channel header, Tab reaches the newest message in one step, not every button.
	await page.getByTestId('members-toggle').focus();
	const newest = message(page, 'Third of three');
	for (
		let step = 0;
		step < 6 && !(await newest.evaluate((el) => el === document.activeElement));
		step++
	) {
		await page.keyboard.press('Tab');
	}
	await expect(newest).toBeFocused();
	// Only its toolbar shows; the buttons of the others are out of the tab order.
	await expect(newest.getByRole('toolbar')).toHaveCSS('opacity', '1');
	const tabbable = (text: string) =>
		message(page, text)
			.locator('button, a[href]')
			.evaluateAll((controls) => controls.filter((c) => (c as HTMLElement).tabIndex >= 0).length);
	expect(await tabbable('Second of three'), 'tab stops in a message that is not current').toBe(0);
	expect(await tabbable('Third of three'), 'tab stops in the current message').toBeGreaterThan(0);

	await page.keyboard.press('ArrowUp');
	await expect(message(page, 'Second of three')).toBeFocused();
	await page.keyboard.press('Home');
	await expect(message(page, 'First of three')).toBeFocused();
	await page.keyboard.press('End');
	await expect(newest).toBeFocused();
	await page.keyboard.press('ArrowUp');

	// Tab goes into the focused message's actions, and on out of the list to the composer.
	await page.keyboard.press('Tab');
	await expect(
		message(page, 'Second of three').getByRole('button', { name: 'Add reaction' })
	).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(page.locator('emoji-picker')).toBeVisible();
	await page.keyboard.press('Escape');
	await ada.context.close();
});
