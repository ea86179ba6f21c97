import { expect, test, type Page } from './support/test.ts';
import { screenshotsAtSizes } from './support/screens.ts';
import { createOrganization, joinOrganization, teamOf } from './support/people.ts';
import { message, openChannel, send } from './support/chat.ts';

/**
 * Issue 17's proof, with three people of one team channel: Alice opens a 1-minute breakout room
 * with Bruno; Cora, a member of the channel who was not invited, sees nothing of it and cannot
 * open it; Bruno is notified and joins from the channel's banner; they chat, Alice extends the
 * room once and Bruno's countdown moves at once; at the end both screens return to the channel
 * with a notice, the room is read-only, and the summary with their decision and action item is
 * posted in the channel with a working link to the transcript.
 */

const bell = (page: Page) => page.getByTestId('notification-bell');

/** Bruno's device clock runs this far ahead of the server's: his countdown must not care. */
const BRUNO_CLOCK_AHEAD_MS = 7 * 60_000;

/** Runs in the page before its scripts: `Date` reads `ms` ahead of the real clock. */
function clockAhead(ms: number) {
	const RealDate = Date;
	function AheadDate(this: unknown, ...args: unknown[]) {
		if (!new.target) return new RealDate(RealDate.now() + ms).toString();
		return args.length === 0
			? new RealDate(RealDate.now() + ms)
			: new RealDate(...(args as [string]));
	}
	AheadDate.prototype = RealDate.prototype;
	AheadDate.now = () => RealDate.now() + ms;
	AheadDate.parse = RealDate.parse;
	AheadDate.UTC = RealDate.UTC;
	globalThis.Date = AheadDate as unknown as DateConstructor;
}

/** Milliseconds left on a page's countdown. */
const leftOn = async (page: Page) =>
	Number(await page.getByTestId('breakout-countdown').getAttribute('data-left-ms'));
const DECISION = 'We decided to ship on Friday';
const ACTION = 'Action: Bruno will write the release notes';

test('a timed breakout room: invited only, countdown, extension, return, summary; End now', async ({
	browser
}) => {
	// The room runs two minutes (one, extended by one), and the summary follows its end.
	test.setTimeout(600_000);
	const alice = await createOrganization(browser, 'Breakout Works', 'Alice Archer');
	const { bruno, team } = await teamOf(alice.page, browser);
	// From his next page on, Bruno's device clock is 7 minutes fast.
	await bruno.context.addInitScript(clockAhead, BRUNO_CLOCK_AHEAD_MS);
	const { joinCode } = await (await alice.page.request.get('/api/join-code')).json();
	const cora = await joinOrganization(browser, joinCode, 'Cora Chen');
	const coraId = (await (await cora.page.request.get('/api/me')).json()).user.id;
	const placed = await alice.page.request.patch(`/api/people/${coraId}`, {
		data: { teamId: team.id }
	});
	expect(placed.ok()).toBe(true);

	for (const person of [alice, bruno, cora]) await openChannel(person.page, 'Launch Crew');
	const parentUrl = alice.page.url();
	await expect(bell(bruno.page)).toHaveAttribute('data-unread', '0');

	// Alice opens a 1-minute room with Bruno from the channel's header.
	await alice.page.getByTestId('open-breakout').click();
	const dialog = alice.page.getByTestId('new-breakout-dialog');
	await expect(dialog).toBeVisible();
	await dialog.getByTestId('breakout-title').fill('Release plan');
	// A bad duration is refused on its field before anything is sent.
	await dialog.getByTestId('breakout-minutes').fill('0');
	await dialog.getByTestId('breakout-create').click();
	await expect(dialog.getByText('At least 1 minute.')).toBeVisible();
	await dialog.getByTestId('breakout-minutes').fill('1');
	await dialog
		.getByTestId('breakout-agenda')
		.fill('Settle the release day and who writes the notes');
	// Nobody chosen: the people field says so.
	await dialog.getByTestId('breakout-create').click();
	await expect(dialog.getByText('Choose who goes, or split the channel into rooms.')).toBeVisible();
	await dialog.getByRole('combobox').fill('Bruno');
	await dialog.locator('[data-testid="breakout-person-option"][data-name="Bruno Baker"]').click();
	await screenshotsAtSizes(alice.page, 'test-results/breakouts-dialog');
	await dialog.getByTestId('breakout-create').click();

	// Alice is in the room: its header, agenda and countdown.
	await expect(alice.page).not.toHaveURL(parentUrl);
	await expect(alice.page.getByTestId('breakout-bar')).toBeVisible();
	const roomUrl = alice.page.url();
	const roomId = new URL(roomUrl).pathname.split('/').pop()!;
	const aliceBar = alice.page.getByTestId('breakout-bar');
	await expect(aliceBar).toBeVisible();
	await expect(aliceBar.getByTestId('breakout-parent-link')).toContainText('#Launch Crew');
	await expect(aliceBar.getByTestId('breakout-agenda-text')).toHaveText(
		'Settle the release day and who writes the notes'
	);
	await expect(aliceBar.getByTestId('breakout-countdown')).toBeVisible();
	await expect(
		alice.page.locator(
			'[data-testid="channel-link"][data-kind="breakout"][data-name="Release plan"]'
		)
	).toBeVisible();

	// Bruno is notified (the bell) and sees the Join banner in the channel.
	await expect(bell(bruno.page), 'notified live').toHaveAttribute('data-unread', '1');
	const banner = bruno.page.getByTestId('breakout-banner');
	await expect(banner).toHaveCount(1);
	await expect(banner).toContainText('Release plan');
	await expect(
		bruno.page.locator('[data-testid="channel-link"][data-kind="breakout"]')
	).toHaveCount(1);

	await screenshotsAtSizes(bruno.page, 'test-results/breakouts-join-banner');

	// Bruno joins from the banner.
	await banner.getByTestId('breakout-join').click();
	await expect(bruno.page).toHaveURL(roomUrl);
	const brunoCountdown = bruno.page.getByTestId('breakout-countdown');
	await expect(brunoCountdown).toBeVisible();
	await expect(bruno.page.getByTestId('connection-status')).toHaveAttribute(
		'data-status',
		'online'
	);
	// Only the creator runs the room.
	await expect(bruno.page.getByTestId('breakout-extend')).toHaveCount(0);
	// His clock is 7 minutes fast, yet his countdown shows what Alice's does (the server's time
	// left), and the room is open for him to write.
	expect(
		await bruno.page.evaluate(() => Date.now() - performance.timeOrigin - performance.now())
	).toBeGreaterThan(BRUNO_CLOCK_AHEAD_MS - 5_000);
	await expect
		.poll(async () => Math.abs((await leftOn(bruno.page)) - (await leftOn(alice.page))), {
			message: 'the same time left on a device with a wrong clock'
		})
		.toBeLessThan(3_000);
	await expect(bruno.page.getByTestId('composer-input')).toBeEditable();

	// Alice extends it once, by a minute: Bruno's countdown moves at once.
	const endsBefore = await brunoCountdown.getAttribute('data-ends-at');
	await aliceBar.getByTestId('breakout-extend').click();
	await alice.page.getByTestId('breakout-extend-minutes').fill('1');
	await alice.page.getByTestId('breakout-extend-submit').click();
	await expect(alice.page.getByTestId('breakout-extend-menu')).toHaveCount(0);
	const endsAfter = await aliceBar.getByTestId('breakout-countdown').getAttribute('data-ends-at');
	expect(Date.parse(endsAfter!) - Date.parse(endsBefore!)).toBe(60_000);
	await expect(brunoCountdown, 'moved on the other screen').toHaveAttribute(
		'data-ends-at',
		endsAfter!
	);

	// Cora, in the channel but not invited, sees nothing of it, and its address is refused.
	await expect(cora.page.getByTestId('breakout-banner')).toHaveCount(0);
	await expect(cora.page.locator('[data-testid="channel-link"][data-kind="breakout"]')).toHaveCount(
		0
	);
	await expect(bell(cora.page)).toHaveAttribute('data-unread', '0');
	const refused = await cora.page.goto(roomUrl);
	expect(refused?.status()).toBe(404);
	await expect(cora.page.getByText('We couldn’t find that page')).toBeVisible();
	await expect(cora.page.getByTestId('composer-input')).toHaveCount(0);
	await cora.page.goto(parentUrl);

	// They chat: a decision and an action item.
	await send(bruno.page, 'Options: ship on Friday, or wait until Tuesday for the docs');
	await send(alice.page, DECISION);
	await send(bruno.page, ACTION);
	await expect(message(alice.page, ACTION)).toBeVisible();
	await screenshotsAtSizes(bruno.page, 'test-results/breakouts-countdown');

	// The end: both screens return to the channel, with the notice.
	for (const person of [alice, bruno]) {
		await expect(person.page.getByTestId('breakout-return-notice')).toBeVisible({
			timeout: 150_000
		});
		expect(person.page.url()).toBe(parentUrl);
		await expect(person.page.getByTestId('breakout-return-notice')).toContainText(
			'Breakout “Release plan” ended.'
		);
	}
	await expect(bruno.page.getByTestId('breakout-banner')).toHaveCount(0);

	// The summary in the channel: the decision, the action item with its owner, the transcript.
	const summary = message(bruno.page, 'Breakout summary: Release plan');
	await expect(summary).toBeVisible({ timeout: 60_000 });
	await expect(summary).toContainText('ship on Friday');
	await expect(summary).toContainText('release notes');
	await expect(summary.locator('strong', { hasText: 'Bruno Baker' })).toBeVisible();
	await screenshotsAtSizes(bruno.page, 'test-results/breakouts-return-notice', async (page) => {
		await page.getByTestId('breakout-return-notice').scrollIntoViewIfNeeded();
	});
	await screenshotsAtSizes(bruno.page, 'test-results/breakouts-summary', async (page) => {
		await message(page, 'Breakout summary: Release plan').scrollIntoViewIfNeeded();
	});
	// Cora sees the summary (she is in the channel), but not the notice.
	await expect(message(cora.page, 'Breakout summary: Release plan')).toBeVisible();
	await expect(cora.page.getByTestId('breakout-return-notice')).toHaveCount(0);

	// The transcript link opens the room, read-only, with what was said.
	const transcript = summary.getByRole('link', { name: 'Read the transcript' });
	await expect(transcript).toHaveAttribute('href', new RegExp(`/c/${roomId}$`));
	await transcript.click();
	await expect(bruno.page).toHaveURL(roomUrl);
	await expect(message(bruno.page, DECISION)).toBeVisible();
	await expect(bruno.page.getByTestId('breakout-countdown')).toContainText('Ended');
	await expect(bruno.page.getByText('This breakout room has ended.')).toBeVisible();
	await expect(bruno.page.getByTestId('composer-input')).toHaveCount(0);
	// Still listed in the sidebar, as its transcript.
	await expect(
		bruno.page
			.locator('[data-testid="channel-link"][data-kind="breakout"]')
			.getByTestId('breakout-transcript-tag')
	).toBeVisible();
	await screenshotsAtSizes(bruno.page, 'test-results/breakouts-transcript');

	// A second room, which Alice ends early (after a confirmation; only she has the button):
	// everyone in it returns to the channel at once, as at its timed end.
	await openChannel(alice.page, 'Launch Crew');
	await alice.page.getByTestId('open-breakout').click();
	const second = alice.page.getByTestId('new-breakout-dialog');
	await second.getByTestId('breakout-title').fill('Quick sync');
	await second.getByTestId('breakout-minutes').fill('10');
	await second.getByRole('combobox').fill('Bruno');
	await second.locator('[data-testid="breakout-person-option"][data-name="Bruno Baker"]').click();
	await second.getByTestId('breakout-create').click();
	await expect(alice.page.getByTestId('breakout-bar')).toContainText('#Launch Crew');
	await bruno.page.goto(alice.page.url());
	await expect(bruno.page.getByTestId('breakout-bar')).toBeVisible();
	await expect(bruno.page.getByTestId('breakout-end')).toHaveCount(0);
	await alice.page.getByTestId('breakout-bar').getByTestId('breakout-end').click();
	await expect(alice.page.getByText('End the breakout room now?')).toBeVisible();
	await alice.page.getByTestId('confirm-dialog-confirm').click();
	for (const person of [alice, bruno]) {
		await expect(
			person.page.getByTestId('breakout-return-notice').filter({ hasText: 'Quick sync' })
		).toBeVisible();
		expect(person.page.url()).toBe(parentUrl);
	}

	for (const person of [alice, bruno, cora]) await person.context.close();
});
