import { expect, test, type Page } from './support/test.ts';
import { screenshotsAtSizes } from './support/screens.ts';
import { founderAndTeam, signIn } from './support/people.ts';
import { message, openChannel } from './support/chat.ts';

/**
 * Issue 16, in-app notifications, with two people: Bruno is mentioned while on another page and
 * his bell counts it; he reads it on a second device, where a click opens the message
 * highlighted, and the first device's count drops at once; a muted conversation counts nothing;
 * @channel counts for its members.
 */

const bell = (page: Page) => page.getByTestId('notification-bell');

async function post(page: Page, text: string) {
	await page.getByTestId('composer-input').fill(text);
	await page.getByTestId('composer-input').press('Enter');
	await expect(message(page, text).first()).toHaveAttribute('data-pending', 'false');
}

test('a mention rings the bell, reads everywhere at once, opens highlighted; mute and @channel', async ({
	browser
}) => {
	test.setTimeout(240_000);
	const { founder: alice, bruno } = await founderAndTeam(browser, 'Bells Ring', 'Alice Archer');

	// Bruno is elsewhere (Home) when Alice mentions him in the team's channel.
	await bruno.page.goto('/home');
	await expect(bell(bruno.page)).toHaveAttribute('data-unread', '0');
	await openChannel(alice.page, 'Launch Crew');
	await post(alice.page, 'Earlier: the plan for the week is on the board');
	await post(alice.page, '@Bruno Baker could you check the release notes before Friday?');
	await expect(bell(bruno.page), 'counted live').toHaveAttribute('data-unread', '1');
	await expect(bell(bruno.page).getByTestId('notification-bell-count')).toHaveText('1');
	await expect(bell(alice.page), 'not for one’s own message').toHaveAttribute('data-unread', '0');

	// A second device: the count is there too.
	const second = await signIn(browser, bruno.email);
	await expect(bell(second.page)).toHaveAttribute('data-unread', '1');
	await bell(second.page).click();
	const panel = second.page.getByTestId('notification-panel');
	await expect(panel).toBeVisible();
	await expect(panel.getByTestId('notification-group')).toHaveCount(1);
	const item = panel.getByTestId('notification-item');
	await expect(item).toHaveAttribute('data-reason', 'mention');
	await expect(item).toContainText('Alice Archer');
	await expect(item).toContainText('could you check the release notes');
	await screenshotsAtSizes(second.page, 'test-results/notifications-panel');
	await item.click();

	// It opens the conversation at the message, highlighted.
	await second.page.waitForURL('**/c/**');
	const found = second.page.getByTestId('message-highlighted');
	await expect(found).toContainText('could you check the release notes');
	await expect(found).toBeInViewport();
	// Read there: the first device's count drops at once (its feed), with no reload.
	await expect(bell(second.page)).toHaveAttribute('data-unread', '0');
	await expect(bell(bruno.page), 'read everywhere').toHaveAttribute('data-unread', '0');
	await screenshotsAtSizes(second.page, 'test-results/notifications-bell-read');

	// Bruno mutes the team's channel from its header: a mention there counts nothing.
	await openChannel(bruno.page, 'Launch Crew');
	await bruno.page.getByTestId('channel-mute').click();
	await expect(bruno.page.getByTestId('channel-mute')).toHaveAttribute('data-muted', 'true');
	await bruno.page.goto('/home');
	await post(alice.page, '@Bruno Baker this one is in a muted channel');
	// @channel in the department's channel counts for its members (Bruno is one). The record is
	// worked in order, so once this one counts the muted mention before it has been decided.
	await openChannel(alice.page, 'Product');
	await post(alice.page, '@channel all-hands at three in the big room');
	await expect(bell(bruno.page)).toHaveAttribute('data-unread', '1');
	await bell(bruno.page).click();
	const brunoPanel = bruno.page.getByTestId('notification-panel');
	const unread = brunoPanel.locator('[data-testid="notification-item"][data-unread="true"]');
	await expect(unread).toHaveCount(1);
	await expect(unread).toHaveAttribute('data-reason', 'group');
	await expect(unread).toContainText('all-hands');
	await screenshotsAtSizes(bruno.page, 'test-results/notifications-panel-group');

	// Mark all read, here: the other device follows.
	await brunoPanel.getByTestId('notifications-read-all').click();
	await expect(bell(bruno.page)).toHaveAttribute('data-unread', '0');
	await expect(bell(second.page)).toHaveAttribute('data-unread', '0');
	await bruno.page.keyboard.press('Escape');

	// Writing in a thread follows it: Alice's reply there notifies Bruno; he can unfollow.
	await openChannel(bruno.page, 'Product');
	await message(bruno.page, 'all-hands').hover();
	await message(bruno.page, 'all-hands').getByTestId('message-reply').click();
	await bruno.page.getByTestId('thread-composer-input').fill('Which room is the big one?');
	await bruno.page.getByTestId('thread-composer-input').press('Enter');
	const follow = bruno.page.getByTestId('thread-follow');
	await expect(follow).toHaveAttribute('aria-pressed', 'true');
	await message(alice.page, 'all-hands').getByTestId('message-reply').click({ force: true });
	await alice.page.getByTestId('thread-composer-input').fill('The one on the third floor');
	await alice.page.getByTestId('thread-composer-input').press('Enter');
	// Made (a reply in a thread he wrote in), and read at once: the thread is on his screen.
	await expect
		.poll(async () => {
			const answer = await second.page.request.get('/api/notifications?limit=5');
			const { notifications } = (await answer.json()) as {
				notifications: { reason: string; readAt: string | null }[];
			};
			return notifications[0];
		})
		.toMatchObject({ reason: 'reply', readAt: expect.any(String) });
	await expect(bell(bruno.page)).toHaveAttribute('data-unread', '0');
	await expect(bell(second.page), 'read everywhere').toHaveAttribute('data-unread', '0');
	await screenshotsAtSizes(bruno.page, 'test-results/notifications-thread');
	await follow.click();
	await expect(follow).toHaveAttribute('aria-pressed', 'false');
	await expect(follow).toHaveText('Follow');

	// The settings page lists the muted conversation.
	await bruno.page.goto('/settings/notifications');
	await expect(bruno.page.getByTestId('notification-channel')).toHaveAttribute(
		'data-muted',
		'true'
	);
	await screenshotsAtSizes(bruno.page, 'test-results/notifications-settings');
});
