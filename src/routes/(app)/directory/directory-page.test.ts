import { isHttpError } from '@sveltejs/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installAppContext } from '$lib/server/app-context.ts';
import type { SessionUser } from '$lib/shared/api/auth.schema.ts';
import { createTestApp, type TestApp } from '$lib/server/testing/test-app.ts';
import { availableDatabaseKinds } from '$lib/server/testing/test-database.ts';
import { load } from './+page.server.ts';

/** The directory page reads `?q=` and `?page=` itself: hostile values are refused, never a 500. */
describe('the directory page', () => {
	let app: TestApp;
	let admin: SessionUser;

	beforeAll(async () => {
		app = await createTestApp((await availableDatabaseKinds()).at(-1)!);
		installAppContext(app);
		admin = (await app.createOrganization('Directory Inc')).admin;
	});

	afterAll(async () => {
		await app?.close();
	});

	const open = (search: string) =>
		load({
			locals: { user: admin },
			url: new URL(`http://connectflow.test/directory${search}`)
		} as never) as Promise<{ q: string; page: number; total: number }>;

	it('refuses a search with a NUL or a direction override as INVALID_TEXT', async () => {
		for (const search of ['?q=%00', '?q=Ada%00', '?q=%E2%80%AE']) {
			const refusal = await open(search).then(
				() => null,
				(error: unknown) => error
			);
			expect(isHttpError(refusal) && refusal.status, search).toBe(400);
			expect(isHttpError(refusal) && refusal.body.code).toBe('INVALID_TEXT');
		}
	});

	it('treats a page number out of range as the first page', async () => {
		for (const search of ['?page=1e400', '?page=-3', '?page=NaN', '?page=99999999999999999999']) {
			const shown = await open(search);
			expect(shown.page, search).toBe(1);
		}
		expect((await open('?q=Ada&page=2')).page).toBe(2);
	});
});
