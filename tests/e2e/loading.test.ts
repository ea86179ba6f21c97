import { expect, test, type Page } from './support/test.ts';
import { createOrganization } from './support/people.ts';
import { message } from './support/chat.ts';
import { seedMessages } from './support/seed.ts';

/**
 * Issue 14: opening a conversation never says "No messages yet" about one that has messages.
 * Until the local copy or the server's sync says what is there, message-shaped placeholders
 * show; the empty state is kept for a conversation that is empty.
 */

const EMPTY_TEXT = 'No messages yet';

interface Watch {
	sawEmpty: boolean;
	sawSkeleton: boolean;
	sawMessage: boolean;
}

/**
 * Watches the page from the start of every navigation (before any script of the app runs):
 * whether the empty state's text, the placeholders or a message were ever in the document,
 * however briefly.
 */
async function watchFromNavigation(page: Page) {
	await page.addInitScript((emptyText: string) => {
		const state = { sawEmpty: false, sawSkeleton: false, sawMessage: false };
		(window as unknown as { __watch: typeof state }).__watch = state;
		const check = () => {
			const root = document.documentElement;
			if (!root) return;
			if (!state.sawEmpty && (root.textContent ?? '').includes(emptyText)) state.sawEmpty = true;
			if (document.querySelector('[data-testid="messages-loading"]')) state.sawSkeleton = true;
			if (document.querySelector('[data-testid="message"]')) state.sawMessage = true;
		};
		new MutationObserver(check).observe(document, {
			childList: true,
			subtree: true,
			characterData: true
		});
		check();
	}, EMPTY_TEXT);
}

async function watched(page: Page): Promise<Watch> {
	return page.evaluate(() => (window as unknown as { __watch: Watch }).__watch);
}

/** Clears what was seen so far (a client-side navigation keeps the same window). */
async function resetWatch(page: Page) {
	await page.evaluate(() => {
		const state = (window as unknown as { __watch: Watch }).__watch;
		state.sawEmpty = state.sawSkeleton = state.sawMessage = false;
	});
}

test('a channel with history never shows the empty state; an empty one does', async ({
	browser
}) => {
	test.setTimeout(120_000);
	const alice = await createOrganization(browser, 'Loading Co', 'Alice Archer');
	const create = async (name: string) => {
		const response = await alice.page.request.post('/api/channels', {
			data: { kind: 'private', name, memberIds: [] }
		});
		expect(response.ok(), `creating ${name}: ${response.status()}`).toBe(true);
		return (await response.json()) as { id: string; headShard: number };
	};
	const busy = await create('Busy room');
	const quiet = await create('Quiet room');
	await seedMessages(alice.page, busy, 400);

	// First visit on a device that holds nothing yet (the same session in a new browser
	// profile): everything comes from the server.
	const device = await browser.newContext({
		storageState: { cookies: await alice.context.cookies(), origins: [] }
	});
	const page = await device.newPage();
	await watchFromNavigation(page);
	await page.goto(`/c/${busy.id}`);
	// Everything comes over the socket here: on a busy machine it may take its time to connect.
	await expect(page.getByTestId('message').first()).toBeVisible({ timeout: 30_000 });
	let seen = await watched(page);
	expect(seen.sawEmpty, 'first visit: the empty state showed for a channel of 400 messages').toBe(
		false
	);
	expect(seen.sawSkeleton, 'first visit: placeholders while the history loads').toBe(true);
	// Opened at the newest message.
	await expect(message(page, 'Seeded message 400')).toBeVisible();

	// A full reload: from the local copy, then the server.
	await page.reload();
	await expect(message(page, 'Seeded message 400')).toBeVisible();
	seen = await watched(page);
	expect(seen.sawEmpty, 'reload: the empty state showed for a channel of 400 messages').toBe(false);
	expect(seen.sawMessage).toBe(true);

	// Away and back without reloading.
	await page.locator('[data-testid="channel-link"][data-name="Quiet room"]').click();
	await expect(page.getByText(EMPTY_TEXT)).toBeVisible();
	await resetWatch(page);
	await page.locator('[data-testid="channel-link"][data-name="Busy room"]').click();
	await expect(message(page, 'Seeded message 400')).toBeVisible();
	seen = await watched(page);
	expect(seen.sawEmpty, 'client-side navigation back: the empty state showed').toBe(false);

	// The placeholders are announced as busy, and gone once the messages are there.
	await expect(page.getByTestId('messages-loading')).toHaveCount(0);

	// An empty channel says so, on a first visit from a fresh page too.
	await page.goto(`/c/${quiet.id}`);
	await expect(page.getByText(EMPTY_TEXT)).toBeVisible();
	await expect(page.getByTestId('messages-loading')).toHaveCount(0);
	await device.close();
	await alice.context.close();
});

test('the placeholders say they are busy, and keep still under reduced motion', async ({
	browser
}) => {
	const alice = await createOrganization(browser, 'Still Co', 'Alice Archer');
	const response = await alice.page.request.post('/api/channels', {
		data: { kind: 'private', name: 'Waiting room', memberIds: [] }
	});
	const channel = (await response.json()) as { id: string };
	for (const reducedMotion of ['no-preference', 'reduce'] as const) {
		// A new device whose socket never answers: the messages are not known, for as long as
		// the test looks.
		const device = await browser.newContext({
			reducedMotion,
			storageState: { cookies: await alice.context.cookies(), origins: [] }
		});
		const page = await device.newPage();
		await page.routeWebSocket(/\/collab/, () => {});
		await page.goto(`/c/${channel.id}`);
		const placeholders = page.getByTestId('messages-loading');
		await expect(placeholders).toBeVisible();
		await expect(placeholders).toHaveAttribute('aria-busy', 'true');
		await expect(placeholders.getByRole('status')).toHaveText('Loading messages…');
		await page.waitForTimeout(1_500);
		await expect(page.getByText(EMPTY_TEXT)).toHaveCount(0);
		const animation = await placeholders
			.locator('.bone')
			.first()
			.evaluate((bone) => getComputedStyle(bone).animationName);
		expect(animation, `animation with reducedMotion=${reducedMotion}`).toEqual(
			reducedMotion === 'reduce' ? 'none' : expect.stringMatching(/pulse/)
		);
		await device.close();
	}
	await alice.context.close();
});
