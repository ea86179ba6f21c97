import { expect, test, type Browser, type Page } from './support/test.ts';
import { createOrganization, teamOf } from './support/people.ts';
import { pickEmoji } from './support/emoji.ts';
import { message, openChannel } from './support/chat.ts';

/**
 * Issue 3's browser proof: two people in two browser contexts in their team channel — send,
 * reply in a thread, react, edit, delete, mention with autocomplete, typing, "seen by", and
 * unread counts.
 */
async function setUpTeam(browser: Browser) {
	const a = await createOrganization(browser, 'Chat Works', 'Alice Archer');
	const { bruno: b, team } = await teamOf(a.page, browser);
	return { a, b, team };
}

test('two people chat in their team channel', async ({ browser }) => {
	test.setTimeout(120_000);
	const { a, b } = await setUpTeam(browser);
	await openChannel(a.page, 'Launch Crew');

	// Unread count for Bruno before he opens the channel.
	await a.page.getByTestId('composer-input').fill('Welcome to the launch crew!');
	await a.page.getByTestId('composer-input').press('Enter');
	await expect(message(a.page, 'Welcome to the launch crew!')).toHaveAttribute(
		'data-pending',
		'false'
	);
	await b.page.goto('/home');
	await expect(
		b.page.locator('[data-testid="channel-link"][data-name="Launch Crew"]')
	).toHaveAttribute('data-unread', '1');

	await openChannel(b.page, 'Launch Crew');
	await expect(message(b.page, 'Welcome to the launch crew!')).toBeVisible();

	// Typing indicator.
	await b.page.getByTestId('composer-input').pressSequentially('Thanks', { delay: 40 });
	await expect(a.page.getByTestId('typing-indicator')).toContainText('Bruno');
	await b.page.getByTestId('composer-input').press('Enter');
	await expect(message(a.page, 'Thanks')).toBeVisible();

	// Mention with autocomplete.
	await a.page.getByTestId('composer-input').pressSequentially('@Bru', { delay: 30 });
	await a.page.locator('[data-testid="mention-option"][data-name="Bruno Baker"]').click();
	await a.page.getByTestId('composer-input').pressSequentially('can you **review** the plan?');
	await a.page.getByTestId('composer-input').press('Enter');
	const mentioned = message(b.page, 'review');
	await expect(mentioned).toBeVisible();
	await expect(mentioned.locator('strong')).toHaveText('review');
	await expect(mentioned).toContainText('@Bruno Baker');

	// Reply in a thread.
	await message(b.page, 'review').hover();
	await message(b.page, 'review').getByTestId('message-reply').click();
	await b.page.getByTestId('thread-composer-input').fill('On it, reviewing now');
	await b.page.getByTestId('thread-composer-input').press('Enter');
	await message(a.page, 'review').getByTestId('message-reply').click({ force: true });
	await expect(a.page.getByTestId('thread-panel')).toContainText('On it, reviewing now');

	// React with the picker.
	await message(b.page, 'Welcome to the launch crew!').hover();
	await message(b.page, 'Welcome to the launch crew!').getByTestId('message-react').click();
	await pickEmoji(b.page, 'party', '🎉');
	await expect(
		message(a.page, 'Welcome to the launch crew!').locator(
			'[data-testid="reaction-chip"][data-emoji="🎉"]'
		)
	).toHaveAttribute('data-count', '1');

	// Edit shows "edited" to the other person.
	await message(a.page, 'Welcome to the launch crew!').hover();
	await message(a.page, 'Welcome to the launch crew!').getByTestId('message-edit').click();
	await a.page.getByTestId('edit-input').fill('Welcome to the launch crew, Bruno!');
	await a.page.getByTestId('edit-input').press('Enter');
	await expect(
		message(b.page, 'Welcome to the launch crew, Bruno!').getByTestId('message-edited')
	).toBeVisible();

	// Seen by: Bruno has read Alice's messages.
	await expect(a.page.getByTestId('seen-by').first()).toContainText(/Bruno|1/);

	// Delete shows a tombstone to the other person.
	await a.page.getByTestId('composer-input').fill('This one was a mistake');
	await a.page.getByTestId('composer-input').press('Enter');
	await expect(message(b.page, 'This one was a mistake')).toBeVisible();
	await message(a.page, 'This one was a mistake').hover();
	a.page.once('dialog', (dialog) => void dialog.accept());
	await message(a.page, 'This one was a mistake').getByTestId('message-delete').click();
	const confirm = a.page.getByTestId('confirm-dialog-confirm');
	if (await confirm.isVisible().catch(() => false)) await confirm.click();
	await expect(message(b.page, 'This one was a mistake')).toHaveCount(0);
	await expect(b.page.getByTestId('message-deleted').first()).toBeVisible();

	await a.page.screenshot({ path: 'test-results/screenshots/chat-alice.png' });
	await b.page.setViewportSize({ width: 390, height: 844 });
	// On a phone the navigation is a drawer: it slides away when the window narrows.
	await expect(b.page.getByRole('complementary', { name: 'Navigation' })).toBeHidden();
	await b.page.screenshot({ path: 'test-results/screenshots/chat-bruno-phone.png' });

	// Same messages in the same order for both, and after a reload.
	const order = async (page: Page) =>
		page.getByTestId('message-list').getByTestId('message-text').allInnerTexts();
	await a.page.reload();
	await expect(message(a.page, 'Thanks')).toBeVisible();
	expect(await order(a.page)).toEqual(await order(b.page));

	// Presence: Alice sees Bruno online in the members panel, and offline once he is gone.
	await a.page.getByTestId('members-toggle').click();
	const brunoRow = a.page.locator('[data-testid="member"][data-name="Bruno Baker"]');
	await expect(brunoRow.getByTestId('presence-dot')).toHaveAttribute('data-status', 'online');
	await b.context.close();
	await expect(brunoRow.getByTestId('presence-dot')).toHaveAttribute('data-status', 'offline', {
		timeout: 10_000
	});
	await a.page.screenshot({ path: 'test-results/screenshots/chat-members-presence.png' });
	await a.context.close();
});
