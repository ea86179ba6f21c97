import {
	expect,
	type APIRequestContext,
	type Browser,
	type BrowserContext,
	type BrowserContextOptions,
	type Locator,
	type Page
} from '@playwright/test';

import { openChannel } from './chat.ts';

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
	await page.goto('/signup');
	const form = page.getByTestId('signup-form');
	await form.getByLabel('Organization').fill(orgName);
	return enterAs({ context, page }, form, name, /create/i);
}

export async function joinOrganization(
	browser: Browser,
	joinCode: string,
	name: string
): Promise<Person> {
	const context = await browser.newContext();
	const page = await context.newPage();
	await page.goto(`/join?code=${encodeURIComponent(joinCode)}`);
	const form = page.getByTestId('join-form');
	await expect(form.getByLabel('Join code')).toHaveValue(joinCode);
	return enterAs({ context, page }, form, name, /join/i);
}

/**
 * Fills in a new person's name, a unique work email and the password on the sign-up or join
 * form, submits it with the button named `submit`, and waits for Home.
 */
async function enterAs(
	{ context, page }: Pick<Person, 'context' | 'page'>,
	form: Locator,
	name: string,
	submit: RegExp
): Promise<Person> {
	const email = uniqueEmail(name);
	await form.getByLabel('Your name').fill(name);
	await form.getByLabel('Work email').fill(email);
	await form.getByLabel('Password', { exact: true }).fill(PASSWORD);
	await form.getByRole('button', { name: submit }).click();
	await page.waitForURL('**/home');
	return { context, page, name, email };
}

/** Signs `email` in through the sign-in form on `page`, and waits for Home. */
export async function signInOn(page: Page, email: string): Promise<void> {
	await page.goto('/signin');
	const form = page.getByTestId('signin-form');
	await form.getByLabel('Email').fill(email);
	await form.getByLabel('Password', { exact: true }).fill(PASSWORD);
	await form.getByRole('button', { name: /sign in/i }).click();
	await page.waitForURL('**/home');
}

export async function signIn(browser: Browser, email: string): Promise<Person> {
	const context = await browser.newContext();
	const page = await context.newPage();
	await signInOn(page, email);
	return { context, page, name: '', email };
}

/** A new organization's founder, with one of its channels open. */
export async function founderInChannel(
	browser: Browser,
	organization: string,
	name: string,
	channel: string
): Promise<Person> {
	const founder = await createOrganization(browser, organization, name);
	await openChannel(founder.page, channel);
	return founder;
}

/** A new department of the signed-in administrator's organization, made through the API. */
export async function createDepartment(
	api: APIRequestContext,
	name: string
): Promise<{ id: string }> {
	return (await api.post('/api/departments', { data: { name } })).json();
}

/**
 * Alice's organization gets the department Product with the team Launch Crew; Bruno joins with
 * the code, and both are placed in the team.
 */
export async function teamOf(alice: Page, browser: Browser) {
	const api = alice.request;
	const department = await createDepartment(api, 'Product');
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

/**
 * Alice's new organization with its team Launch Crew, whose channel she has open; Bruno joined
 * the team (so the pickers have someone to offer) and has closed his browser.
 */
export async function aliceInLaunchCrew(browser: Browser, organization: string): Promise<Person> {
	const alice = await createOrganization(browser, organization, 'Alice Archer');
	const { bruno } = await teamOf(alice.page, browser);
	await bruno.context.close();
	await openChannel(alice.page, 'Launch Crew');
	return alice;
}

/**
 * Ada Lovelace's new organization with its team Launch Crew (see `teamOf`), whose channel both
 * she and Bruno have open.
 */
export async function launchCrewPair(browser: Browser, organization: string) {
	const { founder: ada, ...placed } = await founderAndTeam(browser, organization, 'Ada Lovelace');
	await openChannel(ada.page, 'Launch Crew');
	await openChannel(placed.bruno.page, 'Launch Crew');
	return { ada, ...placed };
}

/** A new organization whose founder `name` and Bruno are in its team Launch Crew (see teamOf). */
export async function founderAndTeam(browser: Browser, organization: string, name: string) {
	const founder = await createOrganization(browser, organization, name);
	return { founder, ...(await teamOf(founder.page, browser)) };
}
