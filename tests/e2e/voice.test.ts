import { expect, test, type Page } from './support/test.ts';
import { createOrganization, founderAndTeam, launchCrewPair } from './support/people.ts';
import { controlledByServiceWorker, message, openChannel, send } from './support/chat.ts';
import { chromiumLaunchOptions } from './support/chromium.ts';

// What the service worker does is part of what this file tests (playwright.config.ts blocks it).
test.use({ serviceWorkers: 'allow' });
test.describe.configure({ timeout: 150_000 });

/**
 * Issue 15, voice messages: Ada records with the browser's microphone (Chromium's fake device,
 * a steady beep, allowed without a prompt), sends; Bruno sees the voice message with the
 * duration Ada's browser measured (a recorded WebM has none in its header), plays it, changes
 * the speed and seeks with the keyboard.
 */
test.use({
	// test.use replaces launchOptions whole: the project's own are kept.
	launchOptions: {
		...chromiumLaunchOptions,
		args: [
			...chromiumLaunchOptions.args,
			'--use-fake-device-for-media-stream',
			'--use-fake-ui-for-media-stream',
			'--autoplay-policy=no-user-gesture-required'
		]
	}
});

const SHOTS = 'test-results/voice';

async function shoot(page: Page, name: string) {
	// Lets a layout change (the phone's sidebar drawer sliding away) settle.
	await page.waitForTimeout(400);
	for (const colorScheme of ['light', 'dark'] as const) {
		await page.emulateMedia({ colorScheme });
		await page.screenshot({ path: `${SHOTS}/${name}-${colorScheme}.png` });
	}
	await page.emulateMedia({ colorScheme: 'light' });
}

test('A records a voice message, B sees its duration, plays it, changes speed and seeks', async ({
	browser
}) => {
	const { ada, bruno } = await launchCrewPair(browser, 'Voice Works');
	await ada.context.grantPermissions(['microphone']);

	// A first recording, looked at, then cancelled: nothing is sent.
	const record = ada.page.getByRole('button', { name: 'Record a voice message' });
	await record.click();
	const recorder = ada.page.getByTestId('voice-recorder');
	await expect(recorder).toHaveAttribute('data-phase', 'recording');
	const timer = ada.page.getByTestId('voice-timer');
	await expect(timer, 'the timer runs').toHaveText('0:01', { timeout: 5_000 });
	await shoot(ada.page, 'recorder-1280');
	await ada.page.setViewportSize({ width: 390, height: 760 });
	await shoot(ada.page, 'recorder-390');
	await ada.page.setViewportSize({ width: 1280, height: 720 });
	await ada.page.getByRole('button', { name: 'Cancel recording' }).click();
	await expect(recorder).toHaveCount(0);
	await expect(record, 'focus returns to the microphone').toBeFocused();

	await record.click();
	await expect(timer).toHaveText('0:02', { timeout: 5_000 });
	await ada.page.waitForTimeout(600);
	await ada.page.getByRole('button', { name: 'Stop and send voice message' }).click();
	await expect(recorder, 'the bar closes once sent').toHaveCount(0, { timeout: 15_000 });
	await expect(ada.page.getByTestId('voice-player'), 'only the second recording').toHaveCount(1);
	// A voice message has no text: its actions offer neither editing nor copying text.
	const voiceMessage = ada.page
		.getByTestId('message')
		.filter({ has: ada.page.getByTestId('voice-player') });
	await voiceMessage.hover();
	await expect(voiceMessage.getByTestId('message-delete')).toBeVisible();
	await expect(voiceMessage.getByTestId('message-edit')).toHaveCount(0);
	await expect(voiceMessage.getByTestId('message-copy')).toHaveCount(0);

	// A recording started here and left behind by opening another conversation is dropped.
	await record.click();
	await expect(recorder).toHaveAttribute('data-phase', 'recording');
	await ada.page.locator('[data-testid="channel-link"][data-name="Product"]').click();
	await expect(ada.page.locator('.conversation h1')).toContainText('Product');
	await expect(recorder, 'the recording ended with the conversation').toHaveCount(0);
	await expect(record).toBeEnabled();

	const player = bruno.page.getByTestId('voice-player');
	await expect(player, 'Bruno receives the voice message').toBeVisible({ timeout: 10_000 });
	const duration = bruno.page.getByTestId('voice-duration');
	// About 2.6 s were recorded; a busy machine stops the recorder a little later.
	await expect(duration, 'the measured duration, not the file header').toHaveText(/^0:0[2-6]$/);
	const slider = bruno.page.getByRole('slider', { name: 'Position in voice message' });
	const max = Number(await slider.getAttribute('aria-valuemax'));
	expect(max, `slider max ${max} s`).toBeGreaterThanOrEqual(2);
	expect(max).toBeLessThanOrEqual(7);
	await expect(slider).toHaveAttribute('aria-valuetext', /^0 seconds of [2-6] seconds$/);
	await shoot(bruno.page, 'player-1280');

	await bruno.page.getByRole('button', { name: 'Play voice message' }).click();
	await expect(player).toHaveAttribute('data-playing', 'true');
	const audio = player.locator('audio');
	await expect
		.poll(() => audio.evaluate((element: HTMLAudioElement) => element.currentTime), {
			message: 'the audio plays (its currentTime advances)'
		})
		.toBeGreaterThan(0.4);
	await expect(duration, 'elapsed / total while playing').toHaveText(/^0:0[0-6] \/ 0:0[2-6]$/);

	await bruno.page.getByRole('button', { name: 'Playback speed 1×' }).click();
	await expect(bruno.page.getByTestId('voice-speed')).toHaveText('1.5×');
	expect(await audio.evaluate((element: HTMLAudioElement) => element.playbackRate)).toBe(1.5);
	await bruno.page.getByRole('button', { name: 'Playback speed 1.5×' }).click();
	expect(await audio.evaluate((element: HTMLAudioElement) => element.playbackRate)).toBe(2);

	// It plays to its end and stops there, at the measured duration.
	await expect(player).toHaveAttribute('data-playing', 'false', { timeout: 10_000 });
	await expect(slider).toHaveAttribute('aria-valuenow', String(max));

	// The keyboard seeks: Home to the start, → a second on.
	await slider.focus();
	await slider.press('Home');
	await expect(slider).toHaveAttribute('aria-valuenow', '0');
	await slider.press('ArrowRight');
	await expect(slider).toHaveAttribute('aria-valuenow', '1');
	expect(
		await audio.evaluate((element: HTMLAudioElement) => element.currentTime),
		'the audio moved with the slider'
	).toBeCloseTo(1, 1);
	await bruno.page.getByRole('button', { name: 'Play voice message' }).click();
	await expect(player).toHaveAttribute('data-playing', 'true');
	await bruno.page.getByRole('button', { name: 'Pause voice message' }).click();
	await expect(player).toHaveAttribute('data-playing', 'false');
	await shoot(bruno.page, 'player-played-1280');
	await bruno.page.setViewportSize({ width: 390, height: 760 });
	await shoot(bruno.page, 'player-390');

	// has:voice finds it.
	const found = await bruno.page.request.get('/api/search?q=has%3Avoice');
	expect(found.ok()).toBe(true);
	expect(((await found.json()) as { hits: unknown[] }).hits).toHaveLength(1);
	// And the search panel says what the result is, although it has no text.
	await bruno.page.setViewportSize({ width: 1280, height: 800 });
	await bruno.page.getByTestId('search-open').click();
	await bruno.page.getByTestId('search-input').fill('has:voice');
	await expect(bruno.page.getByTestId('search-result-files')).toHaveText('Voice message');
	await shoot(bruno.page, 'search-voice-1280');
	await bruno.page.keyboard.press('Escape');

	// Ada, a Super Admin, sees what the organization's files take; Bruno may not ask.
	await ada.page.goto('/admin');
	await expect(ada.page.getByTestId('admin-storage')).toHaveText(/Files take [\d.]+ KB in 1 file/);
	await shoot(ada.page, 'admin-storage-1280');
	expect((await bruno.page.request.get('/api/storage')).status()).toBe(403);
});

test('a voice reply recorded in a thread while offline waits, then reaches the thread', async ({
	browser
}) => {
	const { founder: ada, bruno } = await founderAndTeam(browser, 'Tunnel Voice', 'Ada Lovelace');
	await ada.context.grantPermissions(['microphone']);
	await openChannel(ada.page, 'Launch Crew');
	await controlledByServiceWorker(ada.page);
	await openChannel(ada.page, 'Launch Crew');
	await openChannel(bruno.page, 'Launch Crew');
	await send(bruno.page, 'Can someone describe the noise?');
	const question = message(ada.page, 'Can someone describe the noise?');
	await expect(question).toBeVisible();
	await question.hover();
	await question.getByTestId('message-reply').click();
	const thread = ada.page.getByTestId('thread-panel');
	await expect(thread).toBeVisible();

	await ada.context.setOffline(true);
	await expect(ada.page.getByTestId('app-connection')).toHaveAttribute('data-status', 'offline');
	await thread.getByRole('button', { name: 'Record a voice message' }).click();
	await expect(thread.getByTestId('voice-timer')).toHaveText('0:02', { timeout: 5_000 });
	await thread.getByRole('button', { name: 'Stop and send voice message' }).click();
	const waiting = ada.page.getByTestId('outbox-entry');
	await expect(waiting, 'the clip waits in this browser').toHaveCount(1, { timeout: 15_000 });
	await expect(waiting.locator('.text')).toHaveText('Voice message');
	await expect(waiting).toContainText('Reply in a thread');
	await expect(thread.getByTestId('voice-recorder'), 'the bar closed').toHaveCount(0);
	await shoot(ada.page, 'outbox-voice-1280');

	await ada.context.setOffline(false);
	await expect(waiting).toHaveCount(0, { timeout: 30_000 });
	const reply = bruno.page.getByTestId('message').filter({
		has: bruno.page.getByTestId('voice-player')
	});
	// In the thread, not in the channel: Bruno opens it from his question.
	await expect(bruno.page.getByTestId('message-list').getByTestId('voice-player')).toHaveCount(0);
	const asked = message(bruno.page, 'Can someone describe the noise?');
	await asked.hover();
	await asked.getByTestId('message-reply').click();
	await expect(bruno.page.getByTestId('thread-panel').getByTestId('voice-player')).toBeVisible({
		timeout: 20_000
	});
	await expect(reply.getByTestId('voice-duration')).toHaveText(/^0:0[2-6]$/);

	await Promise.all([ada.context.close(), bruno.context.close()]);
});

test('a file larger than the server takes is refused in the composer, before it is sent', async ({
	browser
}) => {
	const ada = await createOrganization(browser, 'Heavy Files', 'Ada Lovelace');
	await openChannel(ada.page, 'Official Announcements');
	const uploads: string[] = [];
	ada.page.on('request', (request) => {
		if (request.method() === 'POST' && /\/files/.test(request.url())) uploads.push(request.url());
	});
	await ada.page.getByTestId('composer-file-input').setInputFiles({
		name: 'archive.zip',
		mimeType: 'application/zip',
		buffer: Buffer.alloc(11 * 1024 * 1024, 1)
	});
	const item = ada.page.getByTestId('tray-item').filter({ hasText: 'archive.zip' });
	await expect(item).toHaveAttribute('data-status', 'failed');
	await expect(item.getByTestId('tray-error')).toHaveText(
		'archive.zip is larger than 10 MB, the largest file this server takes.'
	);
	expect(uploads, 'nothing went to the server').toEqual([]);
	await ada.context.close();
});
