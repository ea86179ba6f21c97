import { expect, test, type Page } from './support/test.ts';
import { screenshotsAtSizes } from './support/screens.ts';
import { createOrganization, signIn, teamOf } from './support/people.ts';
import { message, openChannel } from './support/chat.ts';
import { mailTo } from './support/mail.ts';

/**
 * Issue 16, email for what one missed, end to end: the shared e2e server sends to the test SMTP
 * server process (global-setup.ts) and batches for EMAIL_BATCH_SECONDS = 60 s (playwright.config.ts).
 * Bruno closes his only tab; Alice mentions him twice in the team's channel and writes him a
 * direct message; Bruno reads the DM on another device before the interval is over. Then one
 * email arrives for the channel, with both messages and a link to each, and none for the DM.
 */

const bell = (page: Page) => page.getByTestId('notification-bell');

async function post(page: Page, text: string): Promise<string> {
	await page.getByTestId('composer-input').fill(text);
	await page.getByTestId('composer-input').press('Enter');
	const sent = message(page, text).first();
	await expect(sent).toHaveAttribute('data-pending', 'false');
	return (await sent.getAttribute('data-id'))!;
}

test('one email per conversation for what Bruno missed while away, none for what he read elsewhere', async ({
	browser,
	baseURL
}) => {
	test.setTimeout(240_000);
	const alice = await createOrganization(browser, 'Mail Room', 'Alice Archer');
	const { bruno, brunoId } = await teamOf(alice.page, browser);
	const api = alice.page.request;
	const dm = (await (await api.post('/api/dms', { data: { memberIds: [brunoId] } })).json()) as {
		id: string;
	};

	// Bruno closes his only tab: active on no device, as Alice's members panel shows.
	await bruno.context.close();
	await openChannel(alice.page, 'Launch Crew');
	const channelId = new URL(alice.page.url()).pathname.split('/').at(-1)!;
	await alice.page.getByTestId('members-toggle').click();
	await expect(
		alice.page
			.getByTestId('members-panel')
			.getByTestId('member')
			.filter({ hasText: 'Bruno Baker' })
			.getByTestId('presence-dot')
	).toHaveAttribute('data-status', 'offline', { timeout: 15_000 });

	// The DM first, so that Bruno has most of the interval to read it on his other device while
	// Alice goes on in the channel.
	await alice.page.goto(`/c/${dm.id}`);
	await expect(alice.page.getByTestId('composer-input')).toBeVisible();
	await post(alice.page, 'Lunch on Thursday? Just between us');
	const dmSentAt = Date.now();
	let first = '';
	let then = '';
	const [second] = await Promise.all([
		signIn(browser, bruno.email),
		(async () => {
			await openChannel(alice.page, 'Launch Crew');
			first = await post(alice.page, '@Bruno Baker the release checklist is ready for review');
			then = await post(alice.page, '@Bruno Baker and the staging deploy is green');
		})()
	]);

	// Another device: Bruno opens the DM and reads it; the channel he leaves alone.
	await expect(bell(second.page)).toHaveAttribute('data-unread', '3');
	await second.page.goto(`/c/${dm.id}`);
	await expect(message(second.page, 'Lunch on Thursday?')).toBeVisible();
	await expect(bell(second.page), 'the DM is read').toHaveAttribute('data-unread', '2');
	// Read within the interval, else an email for it would be right (and this test says so).
	const readAfter = Date.now() - dmSentAt;
	test.info().annotations.push({ type: 'DM read after', description: `${readAfter} ms` });
	expect(readAfter, 'the DM was read before its email was due').toBeLessThan(60_000);
	await second.page.goto('/home');

	// One email for the channel, with both messages and a link to each.
	await expect
		.poll(async () => (await mailTo(bruno.email)).length, { timeout: 90_000, intervals: [500] })
		.toBe(1);
	const [mail] = await mailTo(bruno.email);
	const text = mail!.parsed.text ?? '';
	expect(mail!.parsed.subject).toBe('2 new messages in #Launch Crew');
	expect(text).toContain('the release checklist is ready for review');
	expect(text).toContain('the staging deploy is green');
	expect(text).toContain(`${baseURL}/c/${channelId}?message=${first}`);
	expect(text).toContain(`${baseURL}/c/${channelId}?message=${then}`);
	expect(text, 'the DM read on another device is in no email').not.toContain('Lunch');
	// The DM's job was due before the channel's (it was scheduled first); give it a moment more:
	// still one email, none for the DM.
	await new Promise((resolve) => setTimeout(resolve, 3_000));
	const all = await mailTo(bruno.email);
	expect(all).toHaveLength(1);
	expect(all.some((each) => (each.parsed.text ?? '').includes('Lunch'))).toBe(false);

	// The email's link opens the message on Bruno's device.
	await second.page.goto(`/c/${channelId}?message=${first}`);
	await expect(second.page.getByTestId('message-highlighted')).toContainText(
		'the release checklist is ready for review'
	);

	// His settings: the server's interval until he chooses one; disabled while email is off.
	await second.page.goto('/settings/notifications');
	const interval = second.page.getByTestId('email-interval');
	await expect(interval).toBeEnabled();
	await expect(interval.locator('option:checked')).toHaveText('1 minute (default)');
	await interval.selectOption({ label: '30 minutes' });
	await expect(interval.locator('option:checked')).toHaveText('30 minutes');
	await expect(interval).toBeEnabled();
	await screenshotsAtSizes(second.page, 'test-results/email-settings', (page) =>
		page.getByTestId('email-settings').scrollIntoViewIfNeeded()
	);
	await second.page.reload();
	await expect(interval.locator('option:checked')).toHaveText('30 minutes');
	await second.page.getByTestId('email-toggle').click();
	await expect(second.page.getByTestId('email-toggle')).toHaveAttribute('aria-checked', 'false');
	await expect(interval).toBeDisabled();
	await screenshotsAtSizes(second.page, 'test-results/email-settings-off', (page) =>
		page.getByTestId('email-settings').scrollIntoViewIfNeeded()
	);
	await second.context.close();
	await alice.context.close();
});
