import { expect, test, type Page } from './support/test.ts';
import { startDatabaseProxy } from '#server/testing/database-proxy.ts';
import { createTestDatabase, isPostgresReachable } from '#server/testing/test-database.ts';
import { RETRY_AFTER_SECONDS } from '#server/errors.ts';
import { createOrganization } from './support/people.ts';
import { startOwnServer } from './support/own-server.ts';

/**
 * What a person sees when the server cannot serve them: these run against a server of their
 * own (the shared one must keep its database and must not throttle the address every other
 * test comes from).
 */

const shots = 'test-results/screenshots';

async function screenshots(page: Page, name: string) {
	for (const [size, viewport] of [
		['desktop', { width: 1280, height: 800 }],
		['phone', { width: 390, height: 844 }]
	] as const) {
		for (const colorScheme of ['light', 'dark'] as const) {
			await page.setViewportSize(viewport);
			await page.emulateMedia({ colorScheme });
			await page.screenshot({ path: `${shots}/${name}-${size}-${colorScheme}.png` });
		}
	}
}

test('a page asked for while the database is away says so, and comes back by itself', async ({
	browser
}) => {
	test.skip(!(await isPostgresReachable()), 'needs Postgres (CI=true fails instead)');
	const database = await createTestDatabase('postgres');
	const proxy = await startDatabaseProxy(database.url!);
	const server = await startOwnServer({ DATABASE_URL: proxy.url });
	try {
		const alice = await createOrganization(browser, 'Outage Co', 'Alice', {
			baseURL: server.origin
		});
		const page = alice.page;
		const refusedByPolicy: string[] = [];
		page.on('console', (message) => {
			if (message.text().includes('Content Security Policy')) refusedByPolicy.push(message.text());
		});
		await expect(page.getByRole('heading', { level: 1 })).toBeVisible();

		proxy.cut();
		const answer = await page.goto('/directory');
		expect(answer?.status()).toBe(503);
		expect(answer?.headers()['retry-after']).toBe(String(RETRY_AFTER_SECONDS));
		const notice = page.getByTestId('reconnecting');
		await expect(notice.getByRole('heading', { name: 'Reconnecting…' })).toBeVisible();
		await expect(notice).toContainText('cannot reach its database');
		// Its own style sheet applies: the Content-Security-Policy allows it by its hash.
		await expect(notice).toHaveCSS('border-radius', '16px');
		expect(refusedByPolicy).toEqual([]);
		await screenshots(page, 'reconnecting');
		await page.setViewportSize({ width: 1280, height: 800 });

		proxy.restore();
		// The page loads itself again after Retry-After; nobody has to press reload.
		await expect(page.getByTestId('reconnecting')).toHaveCount(0, {
			timeout: (RETRY_AFTER_SECONDS + 15) * 1000
		});
		await expect(page).toHaveURL(/\/directory$/);
		await expect(page.getByRole('heading', { name: 'Directory' })).toBeVisible();
		await alice.context.close();
	} finally {
		await server.stop();
		await proxy.close();
		await database.close();
	}
});

test('the join page counts down when an address has guessed too many wrong codes', async ({
	browser
}) => {
	const server = await startOwnServer();
	try {
		const context = await browser.newContext({ baseURL: server.origin });
		const page = await context.newPage();
		await page.goto('/join?code=WRONG-CODE-LAST');
		const form = page.getByTestId('join-form');
		await form.getByLabel('Your name').fill('Mallory');
		await form.getByLabel('Work email').fill('mallory@example.test');
		await form.getByLabel('Password', { exact: true }).fill('correct horse battery');
		// Ten wrong codes are free (typos, an old code); after them each attempt waits twice as
		// long as the one before (1 s, 2 s, then 4 s for the one in the form, sent right after).
		let wrong = 0;
		while (wrong < 12) {
			const answer = await page.request.post('/api/auth/register', {
				data: {
					joinCode: `WRONG-CODE-${wrong}`,
					name: 'Mallory',
					email: `mallory.${wrong}@example.test`,
					password: 'correct horse battery'
				}
			});
			if (answer.status() === 429) {
				await page.waitForTimeout(Number(answer.headers()['retry-after']) * 1000);
				continue;
			}
			expect((await answer.json()).error.code).toBe('JOIN_CODE_INVALID');
			wrong += 1;
		}

		await form.getByRole('button', { name: /join/i }).click();

		const wait = page.getByTestId('join-wait');
		await expect(wait).toContainText('Too many wrong join codes from your network');
		await expect(form.getByRole('button', { name: /join/i })).toBeDisabled();
		const seconds = async () => Number(/(\d+) seconds?/.exec(await wait.innerText())?.[1]);
		const first = await seconds();
		expect(first).toBeGreaterThanOrEqual(2);
		// It counts down on its own.
		await expect.poll(seconds, { timeout: 5_000 }).toBeLessThan(first);
		await screenshots(page, 'join-wait');
		await context.close();
	} finally {
		await server.stop();
	}
});
