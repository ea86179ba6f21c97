import { expect, test, type Page } from './support/test.ts';
import { signInOn } from './support/people.ts';
import { message } from './support/chat.ts';
import { startOwnServer } from './support/own-server.ts';
import { screenshotsAtSizes } from './support/screens.ts';
import { seedRetentionWorld } from './support/retention-seed.ts';

const shots = 'test-results/screenshots';

/**
 * Every stored update of a local copy, decoded as text, to look for deleted words. A copy that
 * is not on disk yet is an error (expect.poll asks again), never created here: opening a name
 * that does not exist creates an empty database, without the copy's stores, and the reading
 * then threw inside the callback and the promise never settled (the test hung until its time
 * ran out in CI).
 */
function localCopyText(page: Page, database: string): Promise<{ text: string; mark: unknown }> {
	return page.evaluate(
		(name) =>
			new Promise<{ text: string; mark: unknown }>((resolve, reject) => {
				const request = indexedDB.open(name);
				request.onupgradeneeded = () => request.transaction!.abort();
				request.onerror = () => reject(request.error ?? new Error(`${name} is not stored yet`));
				request.onsuccess = () => {
					const db = request.result;
					try {
						const transaction = db.transaction(['updates', 'custom'], 'readonly');
						const all = transaction.objectStore('updates').getAll();
						const mark = transaction.objectStore('custom').get('retention');
						transaction.onerror = () => {
							db.close();
							reject(transaction.error);
						};
						transaction.oncomplete = () => {
							const decoder = new TextDecoder('utf-8', { fatal: false });
							const text = (all.result as Uint8Array[]).map((u) => decoder.decode(u)).join('\n');
							db.close();
							resolve({ text, mark: mark.result });
						};
					} catch (error) {
						db.close();
						reject(error instanceof Error ? error : new Error(String(error)));
					}
				};
			}),
		database
	);
}

/**
 * Issue 18's retention proof: a server of its own holds messages three days old (seeded through
 * the server's modules) in the announcements and in a private group. The Super Admin reads both
 * (their browser keeps local copies), holds the group, sets a one-day rule after its preview and
 * runs it: the old announcements are gone from the server and, on the browser's next sync, from
 * its local copy on disk; the held group keeps its message.
 */
test('a one-day rule deletes old messages on the server and in the local copy; a held channel keeps them', async ({
	browser
}) => {
	test.setTimeout(180_000);
	const world = await test.step('seed old messages', () => seedRetentionWorld());
	const server = await test.step('start a server of its own', () =>
		startOwnServer({}, { dataDir: world.dataDir }));
	const context = await browser.newContext({ baseURL: server.origin });
	try {
		const page = await context.newPage();
		await signInOn(page, world.email);
		const me = (await (await page.request.get('/api/me')).json()) as {
			user?: { id: string };
			id?: string;
		};
		const userId = me.user?.id ?? me.id!;
		const copy = `connectflow:${userId}:channel.${world.announcements}.0`;

		// Both conversations read once: the browser keeps them on disk.
		await page.goto(`/c/${world.announcements}`);
		await expect(message(page, 'Zephyr deal rumours from last week')).toBeVisible();
		await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'online');
		await expect.poll(async () => (await localCopyText(page, copy)).text).toContain('Zephyr deal');
		await page.goto(`/c/${world.held}`);
		await expect(message(page, 'Quokka evidence to keep')).toBeVisible();

		// The Super Admin holds the group, previews the one-day rule, saves it and runs it.
		await page.goto('/admin/retention');
		const hold = page.getByTestId('hold-form');
		await hold.getByRole('combobox').first().selectOption('channel');
		await page.getByTestId('hold-target').selectOption(world.held);
		await page.getByTestId('hold-reason').fill('Case 2026-042');
		await page.getByTestId('place-hold').click();
		await expect(page.getByTestId('legal-holds')).toContainText('Quokka matter');

		const rule = page.getByTestId('org-retention');
		await rule.getByLabel('Delete messages older than').check();
		await page.getByTestId('org-retention-days').fill('-1');
		await expect(rule.getByRole('alert').first()).toContainText('At least 1 day');
		await page.getByTestId('org-retention-days').fill('1');
		await rule.getByRole('button', { name: 'Preview' }).click();
		await expect(page.getByTestId('org-retention-preview')).toContainText(
			'2 messages and 0 files would be deleted'
		);
		await expect(page.getByTestId('org-retention-preview')).toContainText(
			'1 message under legal hold would be kept'
		);
		await screenshotsAtSizes(page, `${shots}/retention-admin`);
		await page.getByTestId('org-retention-save').click();
		await expect(page.getByTestId('org-rule')).toHaveText('delete after 1 day');
		await page.getByTestId('run-retention').click();
		await expect
			.poll(
				async () => {
					const answer = await page.request.get('/api/retention');
					const body = (await answer.json()) as {
						lastRun: { finishedAt: string | null; messagesDeleted: number } | null;
					};
					return body.lastRun?.finishedAt ? body.lastRun.messagesDeleted : -1;
				},
				{ timeout: 30_000 }
			)
			.toBe(2);

		// The server: its search no longer finds them.
		const search = await page.request.get('/api/search?q=zephyr');
		expect(JSON.stringify(await search.json())).not.toContain('Zephyr');

		// The browser's next sync: the conversation opens from the copy, syncs, and the copy on
		// disk is rewritten without them.
		await page.goto(`/c/${world.announcements}`);
		await expect(message(page, 'Fresh news from this morning')).toBeVisible();
		await expect(message(page, 'Zephyr deal rumours from last week')).toHaveCount(0);
		await expect
			.poll(async () => {
				const stored = await localCopyText(page, copy);
				return { zephyr: stored.text.includes('Zephyr'), marked: typeof stored.mark === 'number' };
			})
			.toEqual({ zephyr: false, marked: true });
		expect((await localCopyText(page, copy)).text).toContain('Fresh news from this morning');

		// The held group keeps its message.
		await page.goto(`/c/${world.held}`);
		await expect(message(page, 'Quokka evidence to keep')).toBeVisible();
		await page.getByRole('button', { name: 'Channel settings' }).click();
		await expect(page.getByTestId('channel-retention')).toContainText('legal hold stands');
		await screenshotsAtSizes(page, `${shots}/retention-channel-settings`, async (shot) => {
			await shot.getByTestId('channel-retention').scrollIntoViewIfNeeded();
		});
	} finally {
		await context.close();
		await server.stop();
	}
});
