import { expect, test, type CDPSession, type Page } from './support/test.ts';
import { controlledByServiceWorker, message, openChannel, send } from './support/chat.ts';
import { createOrganization } from './support/people.ts';

// What the service worker does is part of what this file tests (playwright.config.ts blocks it).
test.use({ serviceWorkers: 'allow' });

/**
 * Push in the browser: turning it on from the settings page, and the service worker's handlers
 * driven with real push events (CDP `ServiceWorker.deliverPushMessage`): a notification per
 * conversation, replaced by the next, closed by a 'close' message, and a click that opens the
 * message highlighted.
 */

/** The registration id of the page's service worker, from CDP's ServiceWorker domain. */
async function registrationId(cdp: CDPSession, origin: string): Promise<string> {
	const found = new Promise<string>((resolve) => {
		cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
			const ours = registrations.find(
				(registration) => registration.scopeURL === `${origin}/` && !registration.isDeleted
			);
			if (ours) resolve(ours.registrationId);
		});
	});
	await cdp.send('ServiceWorker.enable');
	return found;
}

/** The notifications the service worker shows now, as the page's registration lists them. */
function shown(page: Page, tag?: string) {
	return page.evaluate(async (tag) => {
		const registration = await navigator.serviceWorker.ready;
		const list = await registration.getNotifications(tag ? { tag } : undefined);
		return list.map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data as unknown }));
	}, tag);
}

test('push on the settings page, and the service worker shows, replaces, closes and opens', async ({
	browser,
	baseURL
}) => {
	const ada = await createOrganization(browser, 'Push Org', 'Ada Admin');
	await ada.context.grantPermissions(['notifications'], { origin: baseURL });
	const { page } = ada;

	// A message to open from a notification.
	await openChannel(page, 'Official Announcements');
	await send(page, 'Launch moved to Thursday');
	const messageId = await message(page, 'Launch moved to Thursday').getAttribute('data-id');
	const channelId = new URL(page.url()).pathname.split('/').at(-1)!;
	expect(messageId).toBeTruthy();

	// Settings: turn push on for this browser.
	await page.goto('/settings/notifications');
	await controlledByServiceWorker(page);
	const settings = page.getByTestId('push-settings');
	await expect(settings).toHaveAttribute('data-state', 'off');
	await page.getByTestId('push-enable').click();
	await expect(settings).toHaveAttribute('data-state', /^(on|failed)$/, { timeout: 30_000 });
	const enabled = (await settings.getAttribute('data-state')) === 'on';
	if (enabled) {
		await expect(page.getByTestId('push-status')).toContainText('On');
		await page.getByTestId('push-disable').click();
		await expect(settings).toHaveAttribute('data-state', 'off');
	} else {
		// This Chromium cannot reach its push service (no network here): the page says so
		// instead of pretending it worked, and offers to try again.
		await expect(page.getByTestId('push-problem')).toContainText('push service');
		await expect(page.getByTestId('push-enable')).toHaveText('Try again');
		test.info().annotations.push({
			type: 'push-service',
			description: 'pushManager.subscribe failed: the browser’s push service is unreachable here'
		});
	}
	// The server's key was asked for and is a P-256 public key.
	const { publicKey } = (await (await page.request.get('/api/push/key')).json()) as {
		publicKey: string;
	};
	expect(Buffer.from(publicKey, 'base64url')).toHaveLength(65);

	// The service worker's push handler, with real push events.
	const origin = new URL(baseURL!).origin;
	const cdp = await ada.context.newCDPSession(page);
	const registration = await registrationId(cdp, origin);
	const tag = `c:${channelId}`;
	const deliver = (data: unknown) =>
		cdp.send('ServiceWorker.deliverPushMessage', {
			origin,
			registrationId: registration,
			data: JSON.stringify(data)
		});
	const show = (body: string) => ({
		type: 'show',
		tag,
		title: 'Ada Admin in #Official Announcements',
		body,
		url: `/c/${channelId}?message=${messageId}`,
		icon: '/favicon.svg'
	});

	await deliver(show('Launch moved to Thursday'));
	// The first push may start the stopped worker and load the icon: slow on a busy machine.
	await expect
		.poll(() => shown(page, tag), { timeout: 30_000 })
		.toEqual([
			{
				title: 'Ada Admin in #Official Announcements',
				body: 'Launch moved to Thursday',
				tag,
				data: { url: `/c/${channelId}?message=${messageId}` }
			}
		]);
	// The next one of the same conversation replaces it: still one.
	await deliver(show('And the venue changed'));
	await expect
		.poll(async () => (await shown(page, tag)).map((n) => n.body))
		.toEqual(['And the venue changed']);
	// Another conversation's stands beside it; something that is not ours shows nothing.
	await deliver({ ...show('Elsewhere'), tag: 'c:other' });
	await deliver({ hello: 'world' });
	// The first push's 30 s: once on CI's busy machine the two were not both shown within the
	// default 15 s (its retry passed).
	await expect.poll(async () => (await shown(page)).length, { timeout: 30_000 }).toBe(2);
	// Read on another device: 'close' closes that conversation's notification only.
	await deliver({ type: 'close', tag });
	await expect.poll(() => shown(page, tag)).toEqual([]);
	expect((await shown(page)).map((n) => n.tag)).toEqual(['c:other']);
	await deliver({ type: 'close', tag: 'c:other' });
	await expect.poll(async () => (await shown(page)).length).toBe(0);

	// A click: CDP cannot click a system notification, so the worker's own notificationclick
	// handler is run in the worker with a NotificationEvent for the notification it showed.
	await deliver(show('Launch moved to Thursday'));
	// The worker may have gone idle and stopped since the last push: started again, as the first.
	await expect.poll(async () => (await shown(page, tag)).length, { timeout: 30_000 }).toBe(1);
	const [worker] = ada.context.serviceWorkers();
	expect(worker).toBeTruthy();
	// The app is open elsewhere (its layout mounted, listening to the worker): on Home, reached
	// inside the app from the conversation.
	await openChannel(page, 'Official Announcements');
	await page.getByRole('link', { name: 'Home', exact: true }).first().click();
	await page.waitForURL('**/home');
	await worker!.evaluate(async (tag) => {
		// Runs in the worker (this file is typed without the webworker library).
		const scope = self as unknown as {
			registration: { getNotifications(filter: { tag: string }): Promise<unknown[]> };
			NotificationEvent: new (type: string, init: { notification: unknown }) => Event;
			dispatchEvent(event: Event): boolean;
		};
		const [notification] = await scope.registration.getNotifications({ tag });
		if (!notification) throw new Error('no notification to click');
		scope.dispatchEvent(new scope.NotificationEvent('notificationclick', { notification }));
	}, tag);
	// The open window is asked to go to the message, which shows highlighted.
	await page.waitForURL(`**/c/${channelId}`);
	const highlighted = page.getByTestId('message-highlighted');
	await expect(highlighted).toHaveAttribute('data-id', messageId!);
	await expect(highlighted).toContainText('Launch moved to Thursday');
	await expect.poll(() => shown(page, tag)).toEqual([]);

	await ada.context.close();
});
