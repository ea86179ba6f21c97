import type { Browser } from '@playwright/test';
import { expect, test } from './support/test.ts';
import {
	createOrganization,
	joinOrganization,
	PASSWORD,
	signInOn,
	teamOf,
	uniqueEmail
} from './support/people.ts';
import { openAdminSection } from './support/admin.ts';
import { screenshotsAtSizes } from './support/screens.ts';

/**
 * Approval workflows (issue 18): Bruno, a Team Member, opens the link of a private group he is
 * not in and asks for approval; Mara, who owns the group and manages his team, sees the request
 * at once: her bell counts a notification "Bruno Baker asks to join “Launch Leads”", which opens
 * the approvals inbox, and the Approvals badge; she approves it with a reason; Bruno is in, and
 * the group shows in his list and opens.
 */
test('a member asks to join a private group and the manager approves it', async ({ browser }) => {
	// Well under a minute on an idle machine; three people sign up on a shared one.
	test.setTimeout(150_000);
	const alice = await createOrganization(browser, 'Approval Works', 'Alice Archer');
	const { bruno, team } = await teamOf(alice.page, browser);
	const { joinCode } = await (await alice.page.request.get('/api/join-code')).json();
	const mara = await joinOrganization(browser, joinCode, 'Mara Manager');
	const maraId = (await (await mara.page.request.get('/api/me')).json()).user.id;
	const placed = await alice.page.request.patch(`/api/people/${maraId}`, {
		data: { teamId: team.id, role: 'team_manager' }
	});
	expect(placed.ok()).toBe(true);
	const created = await mara.page.request.post('/api/channels', {
		data: { kind: 'private', name: 'Launch Leads', topic: 'Who ships what', memberIds: [] }
	});
	expect(created.status()).toBe(201);
	const group = (await created.json()) as { id: string };

	// Mara is elsewhere, on the page she had open: nothing rings yet.
	const bell = mara.page.getByTestId('notification-bell');
	await expect(bell).toHaveAttribute('data-unread', '0');

	// Bruno follows the group's link: not "not found", but the way to ask.
	await bruno.page.goto(`/c/${group.id}`);
	await bruno.page.waitForURL(`**/approvals/join/${group.id}`);
	const ask = bruno.page.getByTestId('ask-to-join');
	await expect(ask).toContainText('This is a private group');
	await expect(ask).not.toContainText('Launch Leads');
	await ask.getByTestId('ask-note').fill('I run the release checklist.');
	await ask.getByTestId('ask-to-join-send').click();
	await expect(ask.getByTestId('ask-to-join-waiting')).toBeVisible();

	// Mara: her bell rings (live, on the page she had open) with who asks for what, and the badge
	// in the navigation counts it; the notification opens the pending list, where she decides
	// with a reason.
	await expect(bell, 'counted live').toHaveAttribute('data-unread', '1');
	await expect(bell.getByTestId('notification-bell-count')).toHaveText('1');
	const badge = mara.page.getByTestId('nav-approvals-badge').first();
	await expect(badge).toHaveText('1');
	await bell.click();
	const panel = mara.page.getByTestId('notification-panel');
	const asking = panel.locator('[data-testid="notification-item"][data-reason="approval-request"]');
	await expect(asking).toHaveCount(1);
	await expect(asking).toContainText('Bruno Baker');
	await expect(asking).toContainText('asks to join “Launch Leads”: I run the release checklist.');
	await screenshotsAtSizes(mara.page, 'test-results/approvals-bell');
	await asking.click();
	await mara.page.waitForURL('**/approvals');
	await expect(bell, 'read by opening it').toHaveAttribute('data-unread', '0');
	const pending = mara.page.getByTestId('approvals-pending');
	const request = pending.getByTestId('approval-request');
	await expect(request).toHaveCount(1);
	await expect(request).toContainText('Launch Leads');
	await expect(request).toContainText('Bruno Baker');
	await expect(request).toContainText('I run the release checklist.');
	await screenshotsAtSizes(mara.page, 'test-results/approvals-pending');

	await request.getByTestId('approval-reason').fill('Welcome aboard');
	await request.getByTestId('approval-approve').click();
	await expect(pending.getByTestId('approval-request')).toHaveCount(0);
	await expect(mara.page.getByTestId('nav-approvals-badge')).toHaveCount(0);
	const decided = mara.page.getByTestId('approvals-decided').getByTestId('approval-request');
	await expect(decided).toHaveAttribute('data-status', 'approved');
	await expect(decided).toContainText('Welcome aboard');

	// Bruno is in: the group comes into his list live and opens.
	const link = bruno.page.getByTestId('channel-link').filter({ hasText: 'Launch Leads' }).first();
	await expect(link).toBeVisible();
	await link.click();
	await bruno.page.waitForURL(`**/c/${group.id}`);
	await expect(bruno.page.getByRole('heading', { name: /Launch Leads/ }).first()).toBeVisible();
	const detail = await bruno.page.request.get(`/api/channels/${group.id}`);
	expect(detail.status()).toBe(200);

	// His own requests say so.
	await bruno.page.goto('/approvals');
	const mine = bruno.page.getByTestId('approvals-mine').getByTestId('approval-request');
	await expect(mine).toHaveAttribute('data-status', 'approved');
	await expect(mine).toContainText('Welcome aboard');
	await screenshotsAtSizes(bruno.page, 'test-results/approvals-mine');

	for (const person of [alice, bruno, mara]) await person.context.close();
});

/** Someone who asks to join with the code while new members need approval: left waiting. */
async function askToJoin(browser: Browser, joinCode: string, name: string) {
	const context = await browser.newContext();
	const page = await context.newPage();
	await page.goto(`/join?code=${encodeURIComponent(joinCode)}`);
	const form = page.getByTestId('join-form');
	const email = uniqueEmail(name);
	await form.getByLabel('Your name').fill(name);
	await form.getByLabel('Work email').fill(email);
	await form.getByLabel('Password', { exact: true }).fill(PASSWORD);
	await form.getByRole('button', { name: /join/i }).click();
	await expect(page.getByTestId('join-pending')).toBeVisible();
	return { context, page, name, email };
}

/**
 * New members with approval required (issue 18): Pia and Dan ask to join with the code; Alice,
 * the Super Admin, is told at once (bell and Approvals badge), and decides on the People page
 * where admins have always approved people: Pia approved, Dan declined after a confirmation.
 * Each decision settles the request in the approvals inbox too and marks its notification read;
 * Pia signs in, Dan is refused.
 */
test('new members are approved or declined on the People page, and the inbox agrees', async ({
	browser
}) => {
	test.setTimeout(150_000);
	const alice = await createOrganization(browser, 'Gate Works', 'Alice Archer');
	const gated = await alice.page.request.patch('/api/join-code', {
		data: { requireApproval: true }
	});
	expect(gated.ok()).toBe(true);
	const { joinCode } = await (await alice.page.request.get('/api/join-code')).json();
	const bell = alice.page.getByTestId('notification-bell');
	await expect(bell).toHaveAttribute('data-unread', '0');

	const pia = await askToJoin(browser, joinCode, 'Pia Pending');
	const dan = await askToJoin(browser, joinCode, 'Dan Declined');
	await expect(bell, 'told live of both').toHaveAttribute('data-unread', '2');
	await expect(alice.page.getByTestId('nav-approvals-badge').first()).toHaveText('2');

	await openAdminSection(alice.page, 'People', 'people', 'People');
	await alice.page.getByTestId('people-filter-pending').click();
	const row = (person: { email: string }) =>
		alice.page.locator(`[data-testid="person-row"][data-email="${person.email}"]`);
	await expect(row(pia)).toHaveAttribute('data-status', 'pending');
	await expect(row(dan)).toHaveAttribute('data-status', 'pending');
	await screenshotsAtSizes(alice.page, 'test-results/people-pending');

	await row(pia).getByTestId('approve-person').click();
	await expect(alice.page.getByText('Approved Pia Pending. They can sign in now.')).toBeVisible();
	await expect(row(pia)).toHaveCount(0);
	await row(dan).getByRole('button', { name: 'Decline Dan Declined' }).click();
	await expect(alice.page.getByRole('heading', { name: 'Decline Dan Declined?' })).toBeVisible();
	await alice.page.getByTestId('confirm-dialog-confirm').click();
	await expect(alice.page.getByText('Declined Dan Declined.')).toBeVisible();
	await expect(alice.page.getByText('Nobody is waiting for approval.')).toBeVisible();
	await alice.page.getByTestId('people-filter-all').click();
	await expect(row(pia)).toHaveAttribute('data-status', 'active');
	await expect(row(dan)).toHaveAttribute('data-status', 'deactivated');

	// The inbox agrees, and the two notifications are read: nothing is left to decide.
	await expect(bell, 'settled, so read').toHaveAttribute('data-unread', '0');
	await expect(alice.page.getByTestId('nav-approvals-badge')).toHaveCount(0);
	await alice.page.goto('/approvals');
	await expect(
		alice.page.getByTestId('approvals-pending').getByTestId('approval-request')
	).toHaveCount(0);
	const decided = alice.page.getByTestId('approvals-decided').getByTestId('approval-request');
	await expect(decided.filter({ hasText: 'Pia Pending' })).toHaveAttribute(
		'data-status',
		'approved'
	);
	await expect(decided.filter({ hasText: 'Dan Declined' })).toHaveAttribute(
		'data-status',
		'rejected'
	);

	await signInOn(pia.page, pia.email);
	await dan.page.goto('/signin');
	const form = dan.page.getByTestId('signin-form');
	await form.getByLabel('Email').fill(dan.email);
	await form.getByLabel('Password', { exact: true }).fill(PASSWORD);
	await form.getByRole('button', { name: /sign in/i }).click();
	await expect(form.getByText(/This account has been deactivated/)).toBeVisible();

	for (const person of [alice, pia, dan]) await person.context.close();
});
