import { expect, test } from './support/test.ts';

/**
 * The sign-in, sign-up and join forms submit through script. Before the page has run it (a slow
 * connection, a click right after the page shows), a browser would submit the form itself: the
 * forms must neither put what was typed in the URL nor be submittable.
 */
test('auth forms cannot be submitted, nor leak what was typed, before the page runs', async ({
	browser
}) => {
	const context = await browser.newContext({ javaScriptEnabled: false });
	const page = await context.newPage();
	for (const path of ['/signin', '/signup', '/join']) {
		await page.goto(path);
		const form = page.locator('form');
		await expect(form).toHaveAttribute('method', 'post');
		await expect(form.locator('button[type="submit"]')).toBeDisabled();
	}
	await context.close();
});
