import { expect, test, type Page } from './support/test.ts';
import { founderAndTeam, signIn } from './support/people.ts';
import { message, openChannel } from './support/chat.ts';

/**
 * Issue 14, "Unread, as in the tools people know": mentions (by name, @channel, @team of
 * one's team) counted apart from plain unread, with a badge of their own while plain unread
 * stays quiet; the count in the tab's title; a "New messages" divider where the visit opens;
 * jumps to the latest and back to the first unread; and a read mark that moves only over what
 * was on screen.
 */

function channelLink(page: Page, name: string) {
	return page.locator(`[data-testid="channel-link"][data-name="${name}"]`);
}

/** What the server's channel list says of a channel (the counts of channels not opened). */
async function serverCounts(page: Page, name: string) {
	const response = await page.request.get('/api/channels');
	const { channels } = (await response.json()) as {
		channels: { name: string; unread: number; mentions: number }[];
	};
	const channel = channels.find((c) => c.name === name)!;
	return { unread: channel.unread, mentions: channel.mentions };
}

/** Sends from the composer and waits until the server has accepted it. */
async function post(page: Page, text: string) {
	await page.getByTestId('composer-input').fill(text);
	await page.getByTestId('composer-input').press('Enter');
	await expect(message(page, text).first()).toHaveAttribute('data-pending', 'false');
}

const UPDATES = 24;
const update = (n: number) => {
	const body = `Update ${n}: the launch checklist item number ${n} is done and verified`;
	if (n === 3) return `@Alice Archer ${body}`;
	if (n === 6) return `@channel ${body}`;
	if (n === 9) return `@team ${body}`;
	return body;
};

test('mentions stand out, the visit opens at the first unread, and only what is seen is read', async ({
	browser
}) => {
	test.setTimeout(240_000);
	const { founder: alice, bruno } = await founderAndTeam(browser, 'Unread Works', 'Alice Archer');
	const side = await alice.page.request.post('/api/channels', {
		data: { kind: 'private', name: 'Side Chat', memberIds: [await idOf(bruno.page)] }
	});
	expect(side.ok(), 'private group created').toBe(true);

	// Some history Alice has read, so that the visit has somewhere to open.
	await openChannel(bruno.page, 'Launch Crew');
	for (let n = 1; n <= 6; n++) await post(bruno.page, `Earlier note ${n}`);
	await openChannel(alice.page, 'Launch Crew');
	await expect(message(alice.page, 'Earlier note 6')).toBeInViewport();
	await expect
		.poll(() => serverCounts(alice.page, 'Launch Crew'), { message: 'history read' })
		.toEqual({ unread: 0, mentions: 0 });

	// Alice moves to her department's channel; Bruno writes in the team channel and the group.
	await openChannel(alice.page, 'Product');
	for (let n = 1; n <= UPDATES; n++) await post(bruno.page, update(n));
	await openChannel(bruno.page, 'Side Chat');
	await post(bruno.page, 'Anyone up for lunch?');

	// The server counts the mentions apart: by name, @channel and @team (Alice is in the team).
	await expect
		.poll(() => serverCounts(alice.page, 'Launch Crew'), { message: 'server counts' })
		.toEqual({ unread: UPDATES, mentions: 3 });

	const crew = channelLink(alice.page, 'Launch Crew');
	await expect(crew, 'mentions in the sidebar').toHaveAttribute('data-mentions', '3');
	await expect(crew).toHaveAttribute('data-unread', String(UPDATES));
	await expect(crew.getByTestId('mention-badge')).toContainText('@');
	await expect(crew.getByTestId('mention-badge')).toContainText('3');
	// Plain unread is quiet: the name is bold, no badge.
	const chat = channelLink(alice.page, 'Side Chat');
	await expect(chat).toHaveAttribute('data-unread', '1');
	await expect(chat).toHaveAttribute('data-mentions', '0');
	await expect(chat.getByTestId('mention-badge')).toHaveCount(0);
	await expect(chat).toHaveClass(/unread/);
	// The title counts what is addressed to Alice, not the chatter.
	await expect(alice.page).toHaveTitle('(3) Product · ConnectFlow');

	// A browser that never opened the channel has the same counts, from the server's list.
	const fresh = await signIn(browser, alice.email);
	await expect(channelLink(fresh.page, 'Launch Crew')).toHaveAttribute('data-mentions', '3');
	await expect(channelLink(fresh.page, 'Side Chat')).toHaveAttribute('data-mentions', '0');
	await expect(fresh.page, 'the count on every page').toHaveTitle(
		'(3) Home · Unread Works · ConnectFlow'
	);
	await fresh.context.close();

	// The visit opens at the first unread message, under the divider.
	await crew.click();
	const divider = alice.page.getByTestId('new-messages-divider');
	await expect(divider).toBeInViewport();
	await expect(divider).toHaveText('New messages');
	const firstUnread = alice.page.locator(
		'[data-testid="new-messages-divider"] + [data-message-id]'
	);
	await expect(firstUnread).toContainText('Update 1:');
	const list = alice.page.getByTestId('message-list');
	const listBox = (await list.boundingBox())!;
	const dividerBox = (await divider.boundingBox())!;
	expect(
		dividerBox.y - listBox.y,
		`divider near the top of the list (list at ${listBox.y}, divider at ${dividerBox.y})`
	).toBeLessThan(listBox.height / 3);
	await expect(message(alice.page, update(UPDATES))).not.toBeInViewport();

	// Mentions of Alice stand out, @team too (she is in the team).
	await expect(message(alice.page, update(3))).toHaveClass(/mentions-me/);
	await expect(message(alice.page, update(6))).toHaveClass(/mentions-me/);
	await expect(message(alice.page, update(9))).toHaveClass(/mentions-me/);
	await expect(message(alice.page, update(2))).not.toHaveClass(/mentions-me/);

	// Only what was on screen is read: the mark moved, but not to the end.
	await expect
		.poll(async () => (await serverCounts(alice.page, 'Launch Crew')).unread, {
			message: 'the messages on screen are read'
		})
		.toBeLessThan(UPDATES);
	await alice.page.waitForTimeout(1_500);
	const partly = await serverCounts(alice.page, 'Launch Crew');
	expect(partly.unread, `unread after reading the first screen: ${partly.unread}`).toBeGreaterThan(
		0
	);

	// Jump to the latest: the newest message is on screen and read; the divider stays.
	const jumpLatest = alice.page.getByTestId('jump-latest');
	await expect(jumpLatest).toBeVisible();
	await expect(jumpLatest.getByTestId('newer-count')).toBeVisible();
	await jumpLatest.click();
	await expect(message(alice.page, update(UPDATES))).toBeInViewport();
	await expect(jumpLatest).toHaveCount(0);
	await expect
		.poll(() => serverCounts(alice.page, 'Launch Crew'), { message: 'all read at the bottom' })
		.toEqual({ unread: 0, mentions: 0 });
	await expect(alice.page).toHaveTitle('* Launch Crew · ConnectFlow');

	// Back to the first unread, whose divider is still there for this visit.
	const jumpUnread = alice.page.getByTestId('jump-first-unread');
	await expect(jumpUnread).toBeVisible();
	await jumpUnread.click();
	await expect(divider).toBeInViewport();
	await expect(jumpUnread).toHaveCount(0);

	// A hidden tab reads nothing, even at the bottom; what came meanwhile gets the divider.
	await alice.page.getByTestId('jump-latest').click();
	await expect(message(alice.page, update(UPDATES))).toBeInViewport();
	await setVisibility(alice.page, 'hidden');
	await openChannel(bruno.page, 'Launch Crew');
	await post(bruno.page, 'After hours note');
	await expect(message(alice.page, 'After hours note')).toBeInViewport();
	await expect
		.poll(async () => (await serverCounts(alice.page, 'Launch Crew')).unread, {
			message: 'the new message is unread on the server'
		})
		.toBe(1);
	await alice.page.waitForTimeout(1_500);
	expect(
		(await serverCounts(alice.page, 'Launch Crew')).unread,
		'still unread while the tab is hidden'
	).toBe(1);
	await expect(firstUnread).toContainText('After hours note');
	await setVisibility(alice.page, 'visible');
	await expect
		.poll(() => serverCounts(alice.page, 'Launch Crew'), { message: 'read once visible' })
		.toEqual({ unread: 0, mentions: 0 });

	await bruno.context.close();
	await alice.context.close();
});

/** Makes the page look hidden or visible to its scripts, as switching tabs does. */
async function setVisibility(page: Page, state: 'hidden' | 'visible') {
	await page.evaluate((value) => {
		Object.defineProperty(document, 'visibilityState', { value, configurable: true });
		Object.defineProperty(document, 'hidden', { value: value === 'hidden', configurable: true });
		document.dispatchEvent(new Event('visibilitychange'));
	}, state);
}

async function idOf(page: Page): Promise<string> {
	return ((await (await page.request.get('/api/me')).json()) as { user: { id: string } }).user.id;
}
