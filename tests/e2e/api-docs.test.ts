import { expect, test } from './support/test.ts';

/**
 * Issue 13: the API reference at /api/docs is Scalar, served by the app, rendered from
 * /api/openapi.json. Every operation of the catalogue is listed under its tag, an operation shows
 * its path and its schema, and the reference follows the app's light or dark theme. Screenshots
 * are kept in test-results/ for a look.
 */

interface OpenApi {
	paths: Record<string, Record<string, { summary: string; tags: string[] }>>;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('lists every operation of the catalogue with its path, and shows an operation with its schema', async ({
	page
}) => {
	// Every operation of the catalogue (75 and growing), each section rendered as it is reached.
	test.setTimeout(240_000);
	const spec = (await (await page.request.get('/api/openapi.json')).json()) as OpenApi;
	const byTag = new Map<string, { method: string; path: string; summary: string }[]>();
	for (const [path, item] of Object.entries(spec.paths)) {
		for (const [method, operation] of Object.entries(item)) {
			const tag = operation.tags[0]!;
			byTag.set(tag, [...(byTag.get(tag) ?? []), { method, path, summary: operation.summary }]);
		}
	}
	expect(byTag.size).toBeGreaterThan(3);

	await page.setViewportSize({ width: 1440, height: 900 });
	await page.goto('/api/docs');
	const reference = page.getByTestId('api-reference');
	await expect(page.getByRole('heading', { level: 1, name: 'ConnectFlow API' })).toBeVisible();
	// The guide added to the introduction: authentication and the error codes.
	await expect(page.getByRole('heading', { level: 2, name: 'Authentication' })).toBeVisible();
	await expect(reference.getByRole('cell', { name: 'VALIDATION_FAILED' })).toBeVisible();
	await reference
		.getByRole('table')
		.first()
		.screenshot({ path: 'test-results/api-docs-errors.png' });

	const sidebar = page.getByRole('complementary', { name: /sidebar/i });
	for (const [tag, operations] of byTag) {
		// Sections further down render once reached: open each tag from the sidebar.
		await sidebar.getByRole('link', { name: tag, exact: true }).click();
		const endpoints = page.getByRole('list', { name: `${tag} endpoints` });
		// The last operation of the tag is there once the section has rendered; then the whole
		// list is read at once (one look per tag, not two per operation: there are 75 and more).
		const last = operations.at(-1)!;
		await expect(
			endpoints.getByRole('link', { name: `${last.method} ${last.path}`, exact: true })
		).toBeVisible();
		// Each link reads "<method> <path>" from two elements: compared without white space.
		const listed = await endpoints
			.getByRole('link')
			.evaluateAll((links) => links.map((link) => (link.textContent ?? '').replace(/\s+/g, '')));
		const inSidebar = (await sidebar.getByRole('link').allInnerTexts()).join('\n');
		for (const { method, path, summary } of operations) {
			expect(listed, tag).toContain(`${method}${path}`);
			expect(inSidebar, tag).toContain(summary);
		}
	}

	// One operation in full: its path, its request body's fields and its answer.
	const signInSummary = spec.paths['/api/auth/sign-in']!.post!.summary;
	await sidebar.getByRole('link', { name: new RegExp(`^${escape(signInSummary)}`) }).click();
	const signIn = page.getByRole('heading', { level: 3, name: signInSummary });
	await expect(signIn).toBeVisible();
	const operation = page.locator('section', { has: signIn }).first();
	await expect(operation).toContainText('/api/auth/sign-in');
	await expect(operation).toContainText('email');
	await expect(operation).toContainText('password');
	await expect(operation).toContainText('Responses');
	await page.screenshot({ path: 'test-results/api-docs-operation-light.png' });
});

for (const scheme of ['light', 'dark'] as const) {
	test(`follows the app's ${scheme} theme`, async ({ browser }) => {
		const context = await browser.newContext({
			colorScheme: scheme,
			viewport: { width: 1440, height: 900 }
		});
		const page = await context.newPage();
		await page.goto('/api/docs');
		await expect(page.getByRole('heading', { level: 1, name: 'ConnectFlow API' })).toBeVisible();
		await expect(page.locator('body')).toHaveClass(new RegExp(`\\b${scheme}-mode\\b`));
		// The reference's background is the app's surface colour, in either theme.
		const colours = await page.evaluate(() => {
			const probe = document.createElement('div');
			probe.style.background = 'var(--surface)';
			document.body.append(probe);
			const surface = getComputedStyle(probe).backgroundColor;
			probe.style.background = 'var(--scalar-background-1)';
			const reference = getComputedStyle(probe).backgroundColor;
			probe.remove();
			return { surface, reference };
		});
		expect(colours.reference).toBe(colours.surface);
		await page.screenshot({ path: `test-results/api-docs-${scheme}.png` });
		await context.close();
	});
}
