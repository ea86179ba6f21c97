import {
	expect,
	type Browser,
	type BrowserContext,
	type BrowserContextOptions,
	type Page
} from '@playwright/test';

export const PASSWORD = 'correct horse battery';

export function uniqueEmail(name: string): string {
	return `${name.toLowerCase().replace(/[^a-z]+/g, '.')}.${Date.now()}.${Math.floor(Math.random() * 1e6)}@example.test`;
}

export interface Person {
	context: BrowserContext;
	page: Page;
	name: string;
	email: string;
}

export async function createOrganization(
	browser: Browser,
	orgName: string,
	name: string,
	/** A test's own server: `{ baseURL }`. */
	contextOptions: BrowserContextOptions = {}
): Promise<Person> {
	const context = await browser.newContext(contextOptions);
	const page = await context.newPage();
	const email = uniqueEmail(name);
	await page.goto('/signup');
	const form = page.getByTestId('signup-form');
	await form.getByLabel('Organization').fill(orgName);
	await form.getByLabel('Your name').fill(name);
	await form.getByLabel('Work email').fill(email);
	await form.getByLabel('Password', { exact: true }).fill(PASSWORD);
	await form.getByRole('button', { name: /create/i }).click();
	await page.waitForURL('**/home');
	return { context, page, name, email };
}

export async function joinOrganization(
	browser: Browser,
	joinCode: string,
	name: string
): Promise<Person> {
	const context = await browser.newContext();
	const page = await context.newPage();
	const email = uniqueEmail(name);
	await page.goto(`/join?code=${encodeURIComponent(joinCode)}`);
	const form = page.getByTestId('join-form');
	await expect(form.getByLabel('Join code')).toHaveValue(joinCode);
	await form.getByLabel('Your name').fill(name);
	await form.getByLabel('Work email').fill(email);
	await form.getByLabel('Password', { exact: true }).fill(PASSWORD);
	await form.getByRole('button', { name: /join/i }).click();
	await page.waitForURL('**/home');
	return { context, page, name, email };
}

export async function signIn(browser: Browser, email: string): Promise<Person> {
	const context = await browser.newContext();
	const page = await context.newPage();
	await page.goto('/signin');
	const form = page.getByTestId('signin-form');
	await form.getByLabel('Email').fill(email);
	await form.getByLabel('Password', { exact: true }).fill(PASSWORD);
	await form.getByRole('button', { name: /sign in/i }).click();
	await page.waitForURL('**/home');
	return { context, page, name: '', email };
}

/**
 * Alice's organization gets the department Product with the team Launch Crew; Bruno joins with
 * the code, and both are placed in the team.
 */
export async function teamOf(alice: Page, browser: Browser) {
	const api = alice.request;
	const department = await (
		await api.post('/api/departments', { data: { name: 'Product' } })
	).json();
	const team = await (
		await api.post('/api/teams', { data: { name: 'Launch Crew', departmentId: department.id } })
	).json();
	const { joinCode } = await (await api.get('/api/join-code')).json();
	const bruno = await joinOrganization(browser, joinCode, 'Bruno Baker');
	const aliceId = (await (await api.get('/api/me')).json()).user.id;
	const brunoId = (await (await bruno.page.request.get('/api/me')).json()).user.id;
	for (const id of [aliceId, brunoId]) {
		expect((await api.patch(`/api/people/${id}`, { data: { teamId: team.id } })).ok()).toBe(true);
	}
	return { bruno, brunoId, aliceId, team };
}
