import { expect, test, type Browser } from './support/test.ts';
import { createOrganization, teamOf } from './support/people.ts';

/** Removing someone from a group asks first, as archiving does. */

/** Alice's organization and her private group `name` with Bruno, open on Bruno's screen. */
async function groupOfTwo(browser: Browser, organization: string, name: string) {
	const alice = await createOrganization(browser, organization, 'Alice Archer');
	const { bruno, brunoId } = await teamOf(alice.page, browser);
	const created = await alice.page.request.post('/api/channels', {
		data: { kind: 'private', name, topic: '', memberIds: [brunoId] }
	});
	expect(created.ok()).toBe(true);
	const group = await created.json();
	await bruno.page.goto(`/c/${group.id}`);
	await expect(bruno.page.getByTestId('composer-input')).toBeVisible();
	return { alice, bruno, brunoId, group };
}

test('removing a member from a group asks first, and Cancel keeps them', async ({ browser }) => {
	test.setTimeout(90_000);
	const { alice, bruno, brunoId, group } = await groupOfTwo(
		browser,
		'Settings Works',
		'Secret Plans'
	);
	await alice.page.goto(`/c/${group.id}`);
	await alice.page.getByTestId('channel-settings').click();
	const dialog = alice.page.getByTestId('channel-settings-dialog');
	const members = dialog.locator('.members li');
	await expect(members).toHaveCount(2);

	await dialog.getByRole('button', { name: 'Remove Bruno Baker' }).click();
	await expect(dialog.getByText('Remove Bruno Baker from Secret Plans?')).toBeVisible();
	await expect(dialog.getByRole('button', { name: 'Remove', exact: true })).toBeFocused();
	await dialog.getByRole('button', { name: 'Cancel' }).click();
	await expect(members).toHaveCount(2);
	const afterCancel = await (await alice.page.request.get(`/api/channels/${group.id}`)).json();
	expect(afterCancel.members.map((m: { id: string }) => m.id)).toContain(brunoId);

	await dialog.getByRole('button', { name: 'Remove Bruno Baker' }).click();
	await dialog.getByRole('button', { name: 'Remove', exact: true }).click();
	await expect(members).toHaveCount(1);
	const after = await (await alice.page.request.get(`/api/channels/${group.id}`)).json();
	expect(after.members.map((m: { id: string }) => m.id)).not.toContain(brunoId);

	// Bruno is told plainly what happened: news, not an alarm.
	const told = bruno.page
		.getByRole('status')
		.filter({ hasText: 'You were removed from Secret Plans' });
	await expect(told).toBeVisible();
	await expect(bruno.page.getByRole('alert').filter({ hasText: 'Secret Plans' })).toHaveCount(0);
	await alice.context.close();
	await bruno.context.close();
});

test('leaving a group lands on Home with a quiet confirmation, not an alarm', async ({
	browser
}) => {
	test.setTimeout(90_000);
	const { alice, bruno, brunoId, group } = await groupOfTwo(browser, 'Leaving Works', 'Book Club');
	// A member who does not manage the group leaves from its member list.
	await expect(bruno.page.getByTestId('channel-settings')).toHaveCount(0);
	await bruno.page.getByTestId('members-toggle').click();
	const panel = bruno.page.getByTestId('members-panel');
	await panel.getByTestId('leave-channel').click();
	await expect(panel.getByText('Leave Book Club?')).toBeVisible();
	await expect(panel.getByRole('button', { name: 'Leave', exact: true })).toBeFocused();
	await panel.getByRole('button', { name: 'Leave', exact: true }).click();

	await expect(bruno.page).toHaveURL(/\/home$/);
	const told = bruno.page.getByRole('status').filter({ hasText: 'You left Book Club' });
	await expect(told).toBeVisible();
	await expect(bruno.page.getByRole('alert').filter({ hasText: 'Book Club' })).toHaveCount(0);
	await bruno.page.screenshot({ path: 'test-results/screenshots/left-group.png' });
	// It confirms what Bruno just did, and goes by itself.
	await expect(told).toHaveCount(0, { timeout: 10_000 });
	const left = await (await alice.page.request.get(`/api/channels/${group.id}`)).json();
	expect(left.members.map((m: { id: string }) => m.id)).not.toContain(brunoId);
	await alice.context.close();
	await bruno.context.close();
});
