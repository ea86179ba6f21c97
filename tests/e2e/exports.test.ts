import fs from 'node:fs/promises';
import { strFromU8, unzipSync } from 'fflate';
import { expect, test } from './support/test.ts';
import { message, openChannel, send } from './support/chat.ts';
import { createOrganization, joinOrganization } from './support/people.ts';
import { screenshotsAtSizes } from './support/screens.ts';
import { seedMessages } from './support/seed.ts';

interface Line {
	text: string;
	deleted: boolean;
	author: { name: string };
	history: { event: string; byName: string; before: string | null; after: string | null }[];
}

/** The ZIP a download saved, as its entries. */
async function zipOf(download: import('@playwright/test').Download) {
	return unzipSync(new Uint8Array(await fs.readFile((await download.path())!)));
}

const linesOf = (zip: Record<string, Uint8Array>): Line[] =>
	strFromU8(zip['messages.jsonl']!)
		.trim()
		.split('\n')
		.map((line) => JSON.parse(line) as Line);

/** Ada's organization with Bruno in it, and a private group of theirs. */
async function organizationWithGroup(browser: import('@playwright/test').Browser, name: string) {
	const ada = await createOrganization(browser, name, 'Ada Admin');
	const { joinCode } = await (await ada.page.request.get('/api/join-code')).json();
	const bruno = await joinOrganization(browser, joinCode, 'Bruno Baker');
	const brunoId = (await (await bruno.page.request.get('/api/me')).json()).user.id as string;
	const group = (await (
		await ada.page.request.post('/api/channels', {
			data: { kind: 'private', name: 'Launch', topic: '', memberIds: [brunoId] }
		})
	).json()) as { id: string };
	return { ada, bruno, group };
}

/**
 * A Super Admin edits and deletes messages in a private group, exports the group from
 * Administration → Exports, watches the export finish and downloads it: the ZIP holds the edit
 * and the deletion (who, before, after) in JSON lines, CSV and EML.
 */
test('a compliance export of a channel holds its edits and deletions', async ({ browser }) => {
	test.setTimeout(180_000);
	const { ada, bruno, group } = await organizationWithGroup(browser, 'Export Works');
	// Ada writes, edits one message and deletes another.
	const page = ada.page;
	await openChannel(page, 'Launch');
	await send(page, 'Plan A is ready');
	await message(page, 'Plan A is ready').hover();
	await message(page, 'Plan A is ready').getByTestId('message-edit').click();
	await page.getByTestId('edit-input').fill('Plan B is ready');
	await page.getByTestId('edit-input').press('Enter');
	await expect(message(page, 'Plan B is ready').getByTestId('message-edited')).toBeVisible();
	await send(page, 'This one was a mistake');
	await message(page, 'This one was a mistake').hover();
	page.once('dialog', (dialog) => void dialog.accept());
	await message(page, 'This one was a mistake').getByTestId('message-delete').click();
	const confirm = page.getByTestId('confirm-dialog-confirm');
	if (await confirm.isVisible().catch(() => false)) await confirm.click();
	await expect(page.getByTestId('message-deleted').first()).toBeVisible();
	// Bruno's notes (written over the socket as his client would; the seed waits for the server).
	await seedMessages(bruno.page, { id: group.id, headShard: 0 }, 3, (n) => `Bruno note ${n}`);

	// Administration → Exports: the group, every format.
	await page.goto('/admin');
	await page
		.getByRole('navigation', { name: 'Administration sections' })
		.getByRole('link', { name: 'Exports' })
		.click();
	await page.waitForURL('**/admin/exports');
	await page.getByTestId('export-channel').selectOption({ label: 'Launch' });
	await page.getByTestId('export-submit').click();
	const row = page.getByTestId('export-row').first();
	await expect(row).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
	await expect(row.getByTestId('export-progress')).toHaveAttribute('value', '1');
	const saved = page.waitForEvent('download');
	await row.getByTestId('export-download').click();
	const download = await saved;
	expect(download.suggestedFilename()).toMatch(/^connectflow-export-launch-\d{4}-\d\d-\d\d\.zip$/);
	const zip = await zipOf(download);

	const lines = linesOf(zip);
	expect(lines).toHaveLength(5);
	const edited = lines.find((line) => line.text === 'Plan B is ready')!;
	expect(
		edited.history.map((event) => [event.event, event.byName, event.before, event.after])
	).toEqual([
		['posted', 'Ada Admin', null, 'Plan A is ready'],
		['edited', 'Ada Admin', 'Plan A is ready', 'Plan B is ready']
	]);
	const deleted = lines.find((line) => line.deleted)!;
	expect(deleted.text).toBe('This one was a mistake');
	expect(deleted.history.at(-1)).toMatchObject({
		event: 'deleted',
		byName: 'Ada Admin',
		before: 'This one was a mistake',
		after: null
	});
	const csv = strFromU8(zip['messages.csv']!);
	expect(csv).toMatch(/,edited,2,[^,]+,[^,]+,Ada Admin,Plan A is ready,Plan B is ready,/);
	expect(csv).toMatch(/,deleted,\d,[^,]+,[^,]+,Ada Admin,This one was a mistake,,/);
	const emls = Object.keys(zip).filter((name) => name.endsWith('.eml'));
	expect(emls).toHaveLength(5);
	const emlTexts = emls.map((name) => strFromU8(zip[name]!));
	const deletedEml = emlTexts.find((text) => /^x-connectflow-deleted-by: Ada Admin/im.test(text));
	expect(deletedEml).toContain('This one was a mistake');
	expect(emlTexts.filter((text) => /^message-id:\s+</im.test(text))).toHaveLength(5);

	await screenshotsAtSizes(page, 'test-results/screenshots/exports-admin');

	await ada.context.close();
	await bruno.context.close();
});

/** A member exports their own messages from Settings → Your data and finds exactly theirs. */
test('a person’s self-export holds their messages', async ({ browser }) => {
	test.setTimeout(180_000);
	const { ada, bruno, group } = await organizationWithGroup(browser, 'Self Export Works');
	await seedMessages(ada.page, { id: group.id, headShard: 0 }, 2, (n) => `Ada note ${n}`);
	await seedMessages(bruno.page, { id: group.id, headShard: 0 }, 3, (n) => `Bruno note ${n}`);

	// Bruno: Settings → Your data → Export my data.
	await bruno.page.goto('/settings/data');
	await bruno.page.getByTestId('export-mine').click();
	const mine = bruno.page.getByTestId('export-row').first();
	await expect(mine).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
	const savedMine = bruno.page.waitForEvent('download');
	await mine.getByTestId('export-download').click();
	const own = linesOf(await zipOf(await savedMine));
	// Sent in one batch, they may share an acceptance time (then ordered by id).
	expect(own.map((line) => line.text).sort()).toEqual([
		'Bruno note 1',
		'Bruno note 2',
		'Bruno note 3'
	]);
	expect(own.every((line) => line.author.name === 'Bruno Baker')).toBe(true);
	await screenshotsAtSizes(bruno.page, 'test-results/screenshots/exports-self');

	await ada.context.close();
	await bruno.context.close();
});
