import { error } from '@sveltejs/kit';
import { z } from 'zod';
import { loadOrFail, pageContext } from '$lib/server/http/page.ts';
import { singleLineText } from '$lib/shared/text.ts';
import type { PageServerLoad } from './$types';

const PAGE_SIZE = 50;

/** Past this page the directory is empty anyway; bounding it keeps the offset a safe integer. */
const LAST_PAGE = 100_000;
const pageNumber = z.coerce.number().int().min(1).max(LAST_PAGE).catch(1);

/** `?q=` searches name, title, department, team and role; `?page=` pages by 50. */
export const load: PageServerLoad = async (event) => {
	const { ctx, user } = await pageContext(event);
	const query = singleLineText().safeParse(event.url.searchParams.get('q') ?? '');
	if (!query.success) {
		error(400, { code: 'INVALID_TEXT', message: query.error.issues[0]!.message });
	}
	const q = query.data.trim().slice(0, 100);
	const page = pageNumber.parse(event.url.searchParams.get('page') ?? 1);
	const result = await loadOrFail(() =>
		ctx.people.directory(user, {
			q: q || undefined,
			limit: PAGE_SIZE,
			offset: (page - 1) * PAGE_SIZE,
			includeInactive: false
		})
	);
	return { q, page, pageSize: PAGE_SIZE, people: result.people, total: result.total };
};
