import { test as base, type Browser, type BrowserContext } from '@playwright/test';

export * from '@playwright/test';

/**
 * Playwright's `test`, failing a test when any page of any browser context it opened threw an
 * uncaught error (an exception or an unhandled rejection). A page can go on looking right while
 * an effect loops or a handler throws; without this, such a test passes or fails somewhere else
 * (an effect that looped "update depth exceeded" left a message unsent with no notice).
 */
export const test = base.extend<{ uncaughtPageErrors: void }>({
	uncaughtPageErrors: [
		async ({ browser, context, serviceWorkers }, use, testInfo) => {
			const errors: string[] = [];
			const watch = (watched: BrowserContext) =>
				watched.on('weberror', (error) => {
					const page = error.page()?.url() ?? 'a page';
					errors.push(`${page}: ${error.error().stack ?? error.error().message}`);
				});
			watch(context);
			const newContext = browser.newContext.bind(browser);
			const patched = browser as Browser & { newContext: Browser['newContext'] };
			// Contexts a test opens itself follow the file's `serviceWorkers` option too (see
			// playwright.config.ts: blocked unless a file tests what the worker does).
			patched.newContext = async (options = {}) => {
				const created = await newContext({ serviceWorkers, ...options });
				watch(created);
				return created;
			};
			try {
				await use();
			} finally {
				patched.newContext = newContext;
			}
			if (errors.length > 0 && testInfo.status === testInfo.expectedStatus) {
				throw new Error(`uncaught errors in the browser:\n${errors.join('\n\n')}`);
			}
		},
		{ auto: true }
	]
});
