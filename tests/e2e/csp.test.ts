import { expect, test, type APIResponse, type Page, type Response } from './support/test.ts';
import { PASSWORD, uniqueEmail } from './support/people.ts';

// What the service worker does is part of what this file tests (playwright.config.ts blocks it).
test.use({ serviceWorkers: 'allow' });

/**
 * Issue 12: a strict Content-Security-Policy on every kind of answer. Each page type is loaded
 * in full (so its own header applies), used a little, and must report no violation; an inline
 * script injected into it must be refused. API answers and the service worker carry it too.
 */

interface Watched {
	/** Violations reported so far, by the console and by securitypolicyviolation events. */
	violations(): Promise<string[]>;
	reset(): Promise<void>;
}

async function watch(page: Page): Promise<Watched> {
	const console: string[] = [];
	page.on('console', (message) => {
		if (/Content Security Policy|Refused to/i.test(message.text())) console.push(message.text());
	});
	await page.addInitScript(() => {
		const seen: string[] = [];
		(window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
		document.addEventListener('securitypolicyviolation', (event) => {
			seen.push(`${event.violatedDirective} ${event.blockedURI}`);
		});
	});
	return {
		async violations() {
			const events = await page.evaluate(
				() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? []
			);
			return [...console, ...events];
		},
		async reset() {
			console.length = 0;
			await page.evaluate(() => {
				(window as unknown as { __cspViolations: string[] }).__cspViolations.length = 0;
			});
		}
	};
}

function directivesOf(header: string | undefined): Map<string, string[]> {
	expect(header, 'content-security-policy header').toBeTruthy();
	const directives = new Map<string, string[]>();
	for (const part of header!.split(';')) {
		const [name, ...sources] = part.trim().split(/\s+/);
		if (name) directives.set(name, sources);
	}
	return directives;
}

/** The directives every answer carries; pages add their nonce to script-src. */
function expectStrictPolicy(header: string | undefined, { page }: { page: boolean }) {
	const directives = directivesOf(header);
	expect(directives.get('default-src')).toEqual(["'self'"]);
	const scripts = directives.get('script-src') ?? [];
	expect(scripts).toContain("'self'");
	expect(scripts).not.toContain("'unsafe-inline'");
	expect(scripts).not.toContain("'unsafe-eval'");
	if (page) expect(scripts.some((source) => source.startsWith("'nonce-"))).toBe(true);
	expect(directives.get('style-src')?.[0]).toBe("'self'");
	expect(directives.get('style-src')).not.toContain("'unsafe-inline'");
	expect(directives.get('connect-src')).toEqual(["'self'"]);
	expect(directives.get('img-src')).toEqual(["'self'", 'data:', 'blob:']);
	expect(directives.get('media-src')).toEqual(["'self'", 'blob:']);
	expect(directives.get('object-src')).toEqual(["'none'"]);
	expect(directives.get('base-uri')).toEqual(["'none'"]);
	expect(directives.get('form-action')).toEqual(["'self'"]);
	expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
}

/** Loads `path` in full, checks its header, and that nothing was refused so far. */
async function visit(page: Page, watched: Watched, path: string, status = 200) {
	const response = (await page.goto(path)) as Response;
	expect(response.status(), path).toBe(status);
	expectStrictPolicy(response.headers()['content-security-policy'], { page: true });
	await page.waitForLoadState('networkidle');
	expect(await watched.violations(), path).toEqual([]);
}

/** An inline script slipped into the page (as an XSS would) does not run, and is reported. */
async function expectInlineScriptBlocked(page: Page, watched: Watched) {
	const ran = await page.evaluate(async () => {
		const script = document.createElement('script');
		script.textContent = 'window.__injectedRan = true;';
		document.head.append(script);
		const handler = document.createElement('img');
		handler.setAttribute('onerror', 'window.__injectedRan = true;');
		handler.src = 'data:,not-an-image';
		document.body.append(handler);
		await new Promise((resolve) => setTimeout(resolve, 200));
		return (window as unknown as { __injectedRan?: boolean }).__injectedRan === true;
	});
	expect(ran).toBe(false);
	await expect.poll(async () => (await watched.violations()).length).toBeGreaterThanOrEqual(2);
	expect(
		(await watched.violations()).every((text) => /script-src|Refused|inline/i.test(text))
	).toBe(true);
	await watched.reset();
}

test('every page type carries a strict policy, works without a violation, and refuses inline script', async ({
	browser
}) => {
	test.setTimeout(180_000);

	// Signed out: sign-up (creating the organization), then sign-in and join in a fresh context.
	const founder = await browser.newContext();
	const page = await founder.newPage();
	const watched = await watch(page);
	const email = uniqueEmail('Casey Csp');
	await visit(page, watched, '/signup');
	await expectInlineScriptBlocked(page, watched);
	const signup = page.getByTestId('signup-form');
	await signup.getByLabel('Organization').fill('Policy Works');
	await signup.getByLabel('Your name').fill('Casey Csp');
	await signup.getByLabel('Work email').fill(email);
	await signup.getByLabel('Password', { exact: true }).fill(PASSWORD);
	await signup.getByRole('button', { name: /create/i }).click();
	await page.waitForURL('**/home');
	expect(await watched.violations()).toEqual([]);

	const guest = await browser.newContext();
	const guestPage = await guest.newPage();
	const guestWatched = await watch(guestPage);
	await visit(guestPage, guestWatched, '/join');
	await expectInlineScriptBlocked(guestPage, guestWatched);
	await visit(guestPage, guestWatched, '/signin');
	await expectInlineScriptBlocked(guestPage, guestWatched);
	const signin = guestPage.getByTestId('signin-form');
	await signin.getByLabel('Email').fill(email);
	await signin.getByLabel('Password', { exact: true }).fill(PASSWORD);
	await signin.getByRole('button', { name: /sign in/i }).click();
	await guestPage.waitForURL('**/home');
	expect(await guestWatched.violations()).toEqual([]);
	await guest.close();

	// Signed in: the app's pages, the API reference and an error page.
	for (const path of ['/home', '/admin', '/directory', '/org-chart', '/settings/sessions']) {
		await visit(page, watched, path);
		await expectInlineScriptBlocked(page, watched);
	}
	await visit(page, watched, '/api/docs');
	await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
	await expectInlineScriptBlocked(page, watched);
	await visit(page, watched, '/no-such-page', 404);
	await expectInlineScriptBlocked(page, watched);
	await visit(page, watched, '/offline');
	await expectInlineScriptBlocked(page, watched);

	// A channel: its socket (connect-src 'self' covers ws: to our own host) and a message.
	await visit(page, watched, '/home');
	await page.locator('[data-testid="channel-link"][data-name="Official Announcements"]').click();
	await page.waitForURL('**/c/**');
	await visit(page, watched, new URL(page.url()).pathname);
	await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'online');
	await page.getByTestId('composer-input').fill('Policies in place');
	await page.getByTestId('composer-input').press('Enter');
	await expect(
		page.getByTestId('message').filter({ hasText: 'Policies in place' })
	).toHaveAttribute('data-pending', 'false');
	expect(await watched.violations()).toEqual([]);
	await expectInlineScriptBlocked(page, watched);

	// Answers SvelteKit does not render as pages carry the policy too.
	const nonPages: [string, Promise<APIResponse>][] = [
		['/api/openapi.json', page.request.get('/api/openapi.json')],
		['/api/me', page.request.get('/api/me')],
		['/api/no-such-thing', page.request.get('/api/no-such-thing')],
		['/service-worker.js', page.request.get('/service-worker.js')]
	];
	for (const [path, pending] of nonPages) {
		const response = await pending;
		expect(response.status(), path).toBeLessThan(500);
		expectStrictPolicy(response.headers()['content-security-policy'], { page: false });
	}
	await founder.close();
});
