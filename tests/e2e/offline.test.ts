import { chromium, expect, test, type BrowserContext, type Page } from './support/test.ts';
import {
	createOrganization,
	PASSWORD,
	type Person,
	teamOf,
	uniqueEmail
} from './support/people.ts';
import { pickEmoji } from './support/emoji.ts';
import { controlledByServiceWorker, message, send } from './support/chat.ts';

// What the service worker does is part of what this file tests (playwright.config.ts blocks it).
test.use({ serviceWorkers: 'allow' });

/**
 * Issue 4's browser proof of offline-first: open the app and two channels; go offline; reload;
 * read, search and send three messages, react and edit one; restart the browser while still
 * offline (a persisted profile) and check they are still pending; go online; a second person
 * sees all of it in the right order and the first person's pending markers clear. And a write
 * composed offline that the server refuses (the right to post was taken away meanwhile).
 */

function link(page: Page, name: string) {
	return page.locator(`[data-testid="channel-link"][data-name="${name}"]`);
}

async function order(page: Page): Promise<string[]> {
	return page.getByTestId('message-list').getByTestId('message-text').allInnerTexts();
}

test('offline: reload, read, search, write; restart offline; everything lands in order', async ({
	browser,
	baseURL
}, testInfo) => {
	test.setTimeout(180_000);
	const profile = testInfo.outputPath('alice-profile');
	// The project's launch options (executable, flags) for a browser with a persisted profile.
	const launchOptions = testInfo.project.use.launchOptions ?? {};
	const persistent = (offline: boolean) =>
		chromium.launchPersistentContext(profile, { ...launchOptions, baseURL, offline });

	// Alice signs up in a browser whose profile survives a restart.
	let context: BrowserContext = await persistent(false);
	let page = context.pages()[0] ?? (await context.newPage());
	await page.goto('/signup');
	const form = page.getByTestId('signup-form');
	await form.getByLabel('Organization').fill('Offline Works');
	await form.getByLabel('Your name').fill('Alice Archer');
	await form.getByLabel('Work email').fill(uniqueEmail('Alice Archer'));
	await form.getByLabel('Password', { exact: true }).fill(PASSWORD);
	await form.getByRole('button', { name: /create/i }).click();
	await page.waitForURL('**/home');
	const { bruno } = await teamOf(page, browser);

	// Online: open the app and two channels, with some history in each.
	await page.goto('/home');
	await controlledByServiceWorker(page);
	await link(page, 'Official Announcements').click();
	// The conversation's own page, not the one still showing while the navigation runs: typed
	// there, the message would go to the channel left behind.
	await expect(page.locator('.conversation h1')).toContainText('Official Announcements');
	await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'online');
	await send(page, 'Welcome to Offline Works');
	await link(page, 'Launch Crew').click();
	await expect(page.locator('.conversation h1')).toContainText('Launch Crew');
	await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'online');
	await send(page, 'The deployment checklist is ready');
	await expect(message(page, 'The deployment checklist is ready')).toHaveAttribute(
		'data-pending',
		'false'
	);
	const teamUrl = page.url();
	// Let the index and the service worker keep what they saw.
	await page.waitForTimeout(3_000);

	// Offline, and reload: the app opens where Alice was, from this browser alone.
	await context.setOffline(true);
	await expect(page.getByTestId('app-connection')).toHaveAttribute('data-status', 'offline');
	await page.reload();
	await expect(page.getByTestId('offline-banner')).toBeVisible();
	await expect(message(page, 'The deployment checklist is ready')).toBeVisible();
	await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'offline');

	// Read: switch to the other channel opened before, and back.
	await link(page, 'Official Announcements').click();
	await expect(message(page, 'Welcome to Offline Works')).toBeVisible();
	await link(page, 'Launch Crew').click();
	await expect(message(page, 'The deployment checklist is ready')).toBeVisible();

	// Search a partial word, offline: local results, with a note about older history.
	await page.getByTestId('search-open').click();
	await page.getByTestId('search-input').fill('deplo');
	await expect(page.getByTestId('search-result').first()).toContainText('deployment checklist');
	await expect(page.getByTestId('search-offline-note')).toBeVisible();
	await page.getByTestId('search-input').press('Escape');
	await expect(page.getByTestId('search-panel')).not.toBeVisible();

	// Write three messages; react to one, edit another. All wait to be sent.
	for (const text of ['Offline one', 'Offline two', 'Offline three']) await send(page, text);
	await message(page, 'Offline two').hover();
	await message(page, 'Offline two').getByTestId('message-react').click();
	await pickEmoji(page, 'party', '🎉');
	await expect(
		message(page, 'Offline two').locator('[data-testid="reaction-chip"][data-emoji="🎉"]')
	).toHaveAttribute('data-count', '1');
	await message(page, 'Offline three').hover();
	await message(page, 'Offline three').getByTestId('message-edit').click();
	await page.getByTestId('edit-input').fill('Offline three, edited');
	await page.getByTestId('edit-input').press('Enter');
	await expect(message(page, 'Offline three, edited').getByTestId('message-edited')).toBeVisible();
	for (const text of ['Offline one', 'Offline two', 'Offline three, edited']) {
		await expect(message(page, text)).toHaveAttribute('data-pending', 'true');
		await expect(message(page, text).getByTestId('message-pending')).toBeVisible();
	}
	await expect(page.getByTestId('pending-count')).toHaveText('3');
	await expect(page.getByTestId('app-connection')).toHaveAttribute('data-pending', '3');
	await page.screenshot({ path: testInfo.outputPath('offline-pending.png') });
	await page.waitForTimeout(2_500);

	// Restart the browser, still offline: the same profile, everything still pending.
	await context.close();
	context = await persistent(true);
	page = context.pages()[0] ?? (await context.newPage());
	await page.goto(teamUrl);
	await expect(page.getByTestId('offline-banner')).toBeVisible();
	for (const text of ['Offline one', 'Offline two', 'Offline three, edited']) {
		await expect(message(page, text)).toHaveAttribute('data-pending', 'true');
	}
	await expect(page.getByTestId('pending-count')).toHaveText('3');
	await expect(
		message(page, 'Offline two').locator('[data-testid="reaction-chip"][data-emoji="🎉"]')
	).toHaveAttribute('data-count', '1');
	// The search index came back from this browser's storage, not rebuilt.
	await page.getByTestId('search-open').click();
	await expect(page.getByTestId('search-panel')).toHaveAttribute('data-index', 'restored');
	await page.getByTestId('search-input').fill('offl thr');
	await expect(page.getByTestId('search-result').first()).toContainText('Offline three, edited');
	await page.getByTestId('search-input').press('Escape');

	// Online again: everything pending is sent, in order, and the markers clear.
	await context.setOffline(false);
	await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'online', {
		timeout: 30_000
	});
	for (const text of ['Offline one', 'Offline two', 'Offline three, edited']) {
		await expect(message(page, text)).toHaveAttribute('data-pending', 'false', {
			timeout: 20_000
		});
	}
	await expect(page.getByTestId('pending-count')).toHaveCount(0);
	await expect(page.getByTestId('offline-banner')).toHaveCount(0);

	// Bruno sees all of it, in the same order as Alice.
	await bruno.page.goto('/home');
	await link(bruno.page, 'Launch Crew').click();
	await expect(message(bruno.page, 'Offline three, edited')).toBeVisible();
	await expect(
		message(bruno.page, 'Offline two').locator('[data-testid="reaction-chip"][data-emoji="🎉"]')
	).toHaveAttribute('data-count', '1');
	await expect(
		message(bruno.page, 'Offline three, edited').getByTestId('message-edited')
	).toBeVisible();
	const expected = [
		'The deployment checklist is ready',
		'Offline one',
		'Offline two',
		'Offline three, edited'
	];
	expect(await order(bruno.page)).toEqual(expected);
	expect(await order(page)).toEqual(expected);

	await context.close();
	await bruno.context.close();
});

test('offline: a message the server refuses after the right to post was taken away', async ({
	browser
}) => {
	const alice = await createOrganization(browser, 'Refusal Works', 'Alice Archer');
	const { bruno, brunoId } = await teamOf(alice.page, browser);
	const group = await (
		await alice.page.request.post('/api/channels', {
			data: { kind: 'private', name: 'Secret Plans', topic: '', memberIds: [brunoId] }
		})
	).json();
	expect(group.id).toBeTruthy();
	await bruno.context.grantPermissions(['clipboard-read', 'clipboard-write']);

	// Bruno opens the group and posts, online.
	await bruno.page.goto('/home');
	await controlledByServiceWorker(bruno.page);
	await link(bruno.page, 'Secret Plans').click();
	await expect(bruno.page.getByTestId('connection-status')).toHaveAttribute(
		'data-status',
		'online'
	);
	await send(bruno.page, 'Online and accepted');
	await expect(message(bruno.page, 'Online and accepted')).toHaveAttribute('data-pending', 'false');

	// Offline, Bruno writes; meanwhile only moderators may post there any more.
	await bruno.context.setOffline(true);
	await expect(bruno.page.getByTestId('app-connection')).toHaveAttribute('data-status', 'offline');
	await send(bruno.page, 'Written offline, never accepted');
	await expect(message(bruno.page, 'Written offline, never accepted')).toHaveAttribute(
		'data-pending',
		'true'
	);
	const changed = await alice.page.request.patch(`/api/channels/${group.id}`, {
		data: { postPolicy: 'moderators' }
	});
	expect(changed.ok()).toBe(true);

	// Back online: the server refuses it; Bruno is told which message, and can copy its text.
	await bruno.context.setOffline(false);
	const notice = bruno.page.getByTestId('refused-notice').filter({ hasText: 'Secret Plans' });
	await expect(notice).toBeVisible({ timeout: 30_000 });
	await expect(notice.getByTestId('refused-text')).toHaveText('Written offline, never accepted');
	await notice.getByTestId('refused-copy').click();
	expect(await bruno.page.evaluate(() => navigator.clipboard.readText())).toBe(
		'Written offline, never accepted'
	);
	// His copy is back in line with the server's: the refused message is gone, the rest stays.
	await expect(message(bruno.page, 'Written offline, never accepted')).toHaveCount(0);
	await expect(message(bruno.page, 'Online and accepted')).toBeVisible();
	await expect(bruno.page.getByTestId('pending-count')).toHaveCount(0);

	// Alice never saw it.
	await alice.page.goto(`/c/${group.id}`);
	await expect(message(alice.page, 'Online and accepted')).toBeVisible();
	await expect(message(alice.page, 'Written offline, never accepted')).toHaveCount(0);

	await alice.context.close();
	await bruno.context.close();
});

test('sign-out removes every local copy and the offline caches', async ({ browser }) => {
	const alice: Person = await createOrganization(browser, 'Forget Works', 'Alice Archer');
	const page = alice.page;
	await controlledByServiceWorker(page);
	await link(page, 'Official Announcements').click();
	await send(page, 'Something personal');
	await page.waitForTimeout(2_500);
	const before = await page.evaluate(async () =>
		(await indexedDB.databases()).map((database) => database.name ?? '')
	);
	expect(before.some((name) => name.startsWith('connectflow:'))).toBe(true);
	expect(before.some((name) => name.endsWith(':search'))).toBe(true);
	expect(await page.evaluate(async () => (await caches.keys()).includes('cf-pages'))).toBe(true);

	await page.getByTestId('user-menu').click();
	await page.getByRole('button', { name: 'Sign out' }).click();
	await page.waitForURL(/\/signin/);
	await expect
		.poll(
			() =>
				page.evaluate(async () =>
					(await indexedDB.databases()).map((database) => database.name ?? '')
				),
			{ timeout: 15_000 }
		)
		.toEqual([]);
	await expect
		.poll(() => page.evaluate(async () => (await caches.keys()).filter((k) => k === 'cf-pages')))
		.toEqual([]);
	await alice.context.close();
});

test('two tabs of one person stay consistent, offline and online', async ({ browser }) => {
	const alice = await createOrganization(browser, 'Two Tabs', 'Alice Archer');
	const first = alice.page;
	await controlledByServiceWorker(first);
	await link(first, 'Official Announcements').click();
	await send(first, 'Before the tabs split');
	const second = await alice.context.newPage();
	await second.goto(first.url());
	await expect(message(second, 'Before the tabs split')).toBeVisible();

	await alice.context.setOffline(true);
	await expect(first.getByTestId('app-connection')).toHaveAttribute('data-status', 'offline');
	await send(first, 'Written in the first tab, offline');
	await expect(message(second, 'Written in the first tab, offline')).toHaveAttribute(
		'data-pending',
		'true'
	);
	await send(second, 'Answered from the second tab, offline');
	await expect(message(first, 'Answered from the second tab, offline')).toBeVisible();
	await message(second, 'Written in the first tab, offline').hover();
	await message(second, 'Written in the first tab, offline').getByTestId('message-edit').click();
	await second.getByTestId('edit-input').fill('Written in the first tab, edited in the second');
	await second.getByTestId('edit-input').press('Enter');
	await expect(message(first, 'edited in the second')).toBeVisible();
	expect(await order(first)).toEqual(await order(second));

	await alice.context.setOffline(false);
	for (const page of [first, second]) {
		for (const text of ['edited in the second', 'Answered from the second tab, offline']) {
			await expect(message(page, text)).toHaveAttribute('data-pending', 'false', {
				timeout: 30_000
			});
		}
	}
	expect(await order(first)).toEqual(await order(second));
	await alice.context.close();
});

test('losing access while offline removes the local copy on the next sync', async ({ browser }) => {
	const alice = await createOrganization(browser, 'Access Works', 'Alice Archer');
	const { bruno, brunoId } = await teamOf(alice.page, browser);
	await bruno.page.goto('/home');
	await controlledByServiceWorker(bruno.page);
	await link(bruno.page, 'Launch Crew').click();
	await send(bruno.page, 'Team secret');
	const teamId = new URL(bruno.page.url()).pathname.split('/').pop()!;
	const copies = () =>
		bruno.page.evaluate(
			async (id) =>
				(await indexedDB.databases())
					.map((database) => database.name ?? '')
					.filter((name) => name.includes(id)),
			teamId
		);
	expect(await copies()).not.toEqual([]);

	await bruno.context.setOffline(true);
	await expect(bruno.page.getByTestId('app-connection')).toHaveAttribute('data-status', 'offline');
	expect(
		(await alice.page.request.patch(`/api/people/${brunoId}`, { data: { teamId: null } })).ok()
	).toBe(true);
	await bruno.context.setOffline(false);
	await expect(
		bruno.page.getByTestId('refused-notice').filter({ hasText: 'Launch Crew' })
	).toBeVisible({ timeout: 30_000 });
	await expect.poll(copies, { timeout: 15_000 }).toEqual([]);
	await expect(link(bruno.page, 'Launch Crew')).toHaveCount(0);
	await alice.context.close();
	await bruno.context.close();
});
