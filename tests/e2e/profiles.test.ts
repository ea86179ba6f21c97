import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator, type Page } from './support/test.ts';
import { createOrganization, joinOrganization, teamOf, type Person } from './support/people.ts';
import { message, openChannel, send } from './support/chat.ts';

/**
 * Issue 14, "people are not dead ends": wherever a person shows (the directory, the org chart,
 * a message's author, a mention), their profile card opens, says who they report to and where
 * they are, and "Message" opens the direct conversation with them.
 *
 * Ada (Super Admin) and Bruno (member) are in Launch Crew of Product; Cleo manages the team.
 */
let ada: Person;
let bruno: Person;
let cleo: Person;
let brunoId: string;
let cleoId: string;

test.beforeAll(async ({ browser }) => {
	test.setTimeout(120_000);
	ada = await createOrganization(browser, 'Profile Rockets', 'Ada Lovelace');
	const placed = await teamOf(ada.page, browser);
	bruno = placed.bruno;
	brunoId = placed.brunoId;
	const api = ada.page.request;
	const { joinCode } = await (await api.get('/api/join-code')).json();
	cleo = await joinOrganization(browser, joinCode, 'Cleo Chen');
	cleoId = (await (await cleo.page.request.get('/api/me')).json()).user.id;
	const placements = [
		[cleoId, { teamId: placed.team.id, role: 'team_manager', title: 'Engineering Manager' }],
		[brunoId, { title: 'Flight Engineer' }]
	] as const;
	for (const [id, data] of placements) {
		expect((await api.patch(`/api/people/${id}`, { data })).ok(), `placing ${id}`).toBe(true);
	}
});

test.afterAll(async () => {
	for (const person of [ada, bruno, cleo]) await person?.context.close();
});

function card(page: Page): Locator {
	return page.getByTestId('profile-card');
}

/** The card is open on `name`, labelled by it, with the focus inside. */
async function expectCard(page: Page, name: string) {
	const dialog = page.getByRole('dialog', { name });
	await expect(dialog).toBeVisible();
	await expect(card(page).getByTestId('profile-name')).toHaveText(name);
	await expect
		.poll(
			() => page.evaluate(() => !!document.activeElement?.closest('[data-testid="profile-card"]')),
			{ message: 'the focus moved into the card' }
		)
		.toBe(true);
}

async function expectFocused(locator: Locator, what: string) {
	await expect
		.poll(() => locator.evaluate((element) => element === document.activeElement), {
			message: `the focus is back on ${what}`
		})
		.toBe(true);
}

test('the directory opens a card with place, presence and manager; the keyboard works it', async () => {
	const page = ada.page;
	// Bruno is around: his tab is open on Home.
	await bruno.page.goto('/home');
	await page.goto('/directory');
	const brunoName = page.getByTestId('directory-person-name').filter({ hasText: 'Bruno Baker' });

	// Keyboard: Enter on the name opens the card, the focus goes into it.
	await brunoName.focus();
	await page.keyboard.press('Enter');
	await expectCard(page, 'Bruno Baker');
	const bruCard = card(page);
	await expect(bruCard).toContainText('Flight Engineer');
	await expect(bruCard).toContainText('Launch Crew');
	await expect(bruCard).toContainText('Product');
	await expect(bruCard).toContainText('Team Member');
	await expect(bruCard.getByTestId('profile-presence')).toHaveAttribute('data-status', 'online');
	await expect(bruCard.getByTestId('profile-presence')).toHaveText('Online');
	await expect(bruCard.getByTestId('profile-manager')).toContainText('Cleo Chen');
	await expect(bruCard.getByTestId('profile-message')).toBeVisible();
	await expect(bruCard.getByTestId('profile-you')).toHaveCount(0);
	await expect(bruCard).toHaveAttribute('data-layout', 'popover');

	// Escape closes it and gives the focus back to the name that opened it.
	await page.keyboard.press('Escape');
	await expect(card(page)).toHaveCount(0);
	await expectFocused(brunoName, "Bruno's name in the directory");

	// The manager is a way to their own card, in the same place.
	await brunoName.click();
	await expectCard(page, 'Bruno Baker');
	await card(page)
		.getByTestId('profile-manager')
		.getByRole('button', { name: 'Cleo Chen' })
		.click();
	await expectCard(page, 'Cleo Chen');
	await expect(card(page)).toContainText('Engineering Manager');
	await expect(card(page)).toContainText('Team Manager');
	// Her presence is whatever her tab is doing: one of the three words, in words.
	await expect(card(page).getByTestId('profile-presence')).toHaveText(/^\s*(Online|Away|Offline)$/);
	await card(page).getByRole('button', { name: 'Close' }).click();
	await expect(card(page)).toHaveCount(0);
	await expectFocused(brunoName, "Bruno's name after the close button");

	// One's own card says so and offers no message.
	await page.getByTestId('directory-person-name').filter({ hasText: 'Ada Lovelace' }).click();
	await expectCard(page, 'Ada Lovelace');
	await expect(card(page).getByTestId('profile-you')).toHaveText('You');
	await expect(card(page).getByTestId('profile-message')).toHaveCount(0);
	await expect(card(page).getByTestId('profile-manager')).toHaveText('—');
	await page.keyboard.press('Escape');
	await expect(card(page)).toHaveCount(0);
});

test('the org chart opens a card instead of leaving for the directory', async () => {
	const page = ada.page;
	await page.goto('/org-chart');
	const person = page
		.getByTestId('org-chart-svg')
		.locator('[data-testid="org-chart-person"][data-name="Bruno Baker"]');
	await expect(person).toHaveCount(1);
	await person.click();
	await expectCard(page, 'Bruno Baker');
	expect(new URL(page.url()).pathname, 'the chart stays').toBe('/org-chart');
	await page.screenshot({ path: 'test-results/screenshots/profile-card-org-chart.png' });
	await expect(card(page).getByTestId('profile-manager')).toContainText('Cleo Chen');
	await page.keyboard.press('Escape');
	await expect(card(page)).toHaveCount(0);
	await expectFocused(person, 'the person in the chart');

	// Keyboard: the chart's person link takes Enter too.
	await person.focus();
	await page.keyboard.press('Enter');
	await expectCard(page, 'Bruno Baker');
	await page.keyboard.press('Escape');
	await expect(card(page)).toHaveCount(0);
});

test('a message author and a mention open cards; Message opens the DM the other side sees', async () => {
	test.setTimeout(90_000);
	await openChannel(bruno.page, 'Launch Crew');
	await send(bruno.page, 'Countdown checklist is ready');
	await openChannel(ada.page, 'Launch Crew');
	const page = ada.page;
	const teamPath = new URL(page.url()).pathname;
	const fromBruno = message(page, 'Countdown checklist is ready');
	await expect(fromBruno).toBeVisible();

	await fromBruno.getByTestId('message-author').click();
	await expectCard(page, 'Bruno Baker');
	await page.screenshot({ path: 'test-results/screenshots/profile-card-author.png' });
	await page.keyboard.press('Escape');
	await expect(card(page)).toHaveCount(0);
	await expectFocused(fromBruno.getByTestId('message-author'), "the message's author");

	await send(page, 'Thanks @Cleo Chen and @Bruno Baker for the checklist');
	const mention = message(page, 'Thanks')
		.getByTestId('message-text')
		.getByRole('button', { name: '@Cleo Chen' });
	await mention.click();
	await expectCard(page, 'Cleo Chen');
	await page.screenshot({ path: 'test-results/screenshots/profile-card-mention.png' });
	await page.keyboard.press('Escape');
	await expect(card(page)).toHaveCount(0);
	// Keyboard: Enter on a mention opens the card as well.
	await mention.focus();
	await page.keyboard.press('Enter');
	await expectCard(page, 'Cleo Chen');
	await page.keyboard.press('Escape');
	await expectFocused(mention, 'the mention');

	// Message: the direct conversation is created, opened, and reaches Bruno.
	await fromBruno.getByTestId('message-author').click();
	await expectCard(page, 'Bruno Baker');
	await card(page).getByTestId('profile-message').click();
	await expect(page).not.toHaveURL(new RegExp(`${teamPath}$`));
	await expect(page).toHaveURL(/\/c\/[0-9a-f-]{36}$/);
	const dmPath = new URL(page.url()).pathname;
	await expect(card(page)).toHaveCount(0);
	await expect(page.locator('.conversation h1')).toContainText('Bruno Baker');
	await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'online');
	await send(page, 'A word in private, Bruno');
	const dmLink = bruno.page.locator('[data-testid="channel-link"][data-name="Ada Lovelace"]');
	await expect(dmLink).toBeVisible();
	await dmLink.click();
	await expect(message(bruno.page, 'A word in private, Bruno')).toBeVisible();

	// Messaging him again opens the same conversation, not a second one.
	await page.goto('/directory');
	await page.getByTestId('directory-person-name').filter({ hasText: 'Bruno Baker' }).click();
	await expectCard(page, 'Bruno Baker');
	await card(page).getByTestId('profile-message').click();
	await expect(page).toHaveURL(new RegExp(`${dmPath}$`));
	await expect(message(page, 'A word in private, Bruno')).toBeVisible();
});

test('the open card passes axe, in light and dark, as a popover and as a phone sheet', async () => {
	test.setTimeout(90_000);
	const page = ada.page;
	const found: string[] = [];
	const shots = [
		{ width: 1280, height: 720, layout: 'popover' },
		{ width: 390, height: 844, layout: 'sheet' }
	] as const;
	for (const shot of shots) {
		await page.setViewportSize({ width: shot.width, height: shot.height });
		for (const scheme of ['light', 'dark'] as const) {
			await page.emulateMedia({ colorScheme: scheme });
			await page.goto('/directory');
			await page.getByTestId('directory-person-name').filter({ hasText: 'Bruno Baker' }).click();
			await expectCard(page, 'Bruno Baker');
			await expect(card(page)).toHaveAttribute('data-layout', shot.layout);
			await expect(card(page).getByTestId('profile-manager')).toContainText('Cleo Chen');
			const results = await new AxeBuilder({ page })
				.include('[data-testid="profile-card"]')
				.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
				.analyze();
			for (const violation of results.violations) {
				found.push(
					`${shot.width}px ${scheme}: ${violation.id} (${violation.impact}) ${violation.help}: ` +
						violation.nodes.map((node) => node.target.join(' ')).join(', ')
				);
			}
			await page.screenshot({
				path: `test-results/screenshots/profile-card-${shot.width}-${scheme}.png`
			});
			await page.keyboard.press('Escape');
			await expect(card(page)).toHaveCount(0);
		}
	}
	expect(found, found.join('\n')).toEqual([]);
	await page.setViewportSize({ width: 1280, height: 720 });
	await page.emulateMedia({ colorScheme: 'light' });
});

test('a deactivated person’s card says so and offers no message', async () => {
	await openChannel(cleo.page, 'Launch Crew');
	await send(cleo.page, 'Signing off for good');
	const page = ada.page;
	expect((await page.request.post(`/api/people/${cleoId}/deactivate`)).ok()).toBe(true);
	// The directory and the chart list active people only; her message still leads to her.
	await openChannel(page, 'Launch Crew');
	await message(page, 'Signing off for good').getByTestId('message-author').click();
	await expectCard(page, 'Cleo Chen');
	await expect(card(page).getByTestId('profile-presence')).toHaveText('Deactivated');
	await expect(card(page).getByTestId('profile-inactive')).toContainText('deactivated');
	await expect(card(page).getByTestId('profile-message')).toHaveCount(0);
	await page.keyboard.press('Escape');
	// Bruno's manager is then the next one up: nobody heads Product, so none.
	await page.goto('/directory');
	await page.getByTestId('directory-person-name').filter({ hasText: 'Bruno Baker' }).click();
	await expectCard(page, 'Bruno Baker');
	await expect(card(page).getByTestId('profile-manager')).toHaveText('—');
});
