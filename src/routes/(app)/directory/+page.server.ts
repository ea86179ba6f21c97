import { loadOrFail, pageContext } from '$lib/server/http/page.ts';
import type { PageServerLoad } from './$types';

const PAGE_SIZE = 50;

/** `?q=` searches name, title, department, team and role; `?page=` pages by 50. */
export const load: PageServerLoad = async (event) => {
	const { ctx, user } = await pageContext(event);
	const q = (event.url.searchParams.get('q') ?? '').trim().slice(0, 100);
	const requested = Number.parseInt(event.url.searchParams.get('page') ?? '1', 10);
	const page = Number.isFinite(requested) && requested > 0 ? requested : 1;
	const result = await loadOrFail(() =>
		ctx.people.directory(user, {
			q: q || undefined,
			limit: PAGE_SIZE,
			offset: (page - 1) * PAGE_SIZE
		})
	);
	return { q, page, pageSize: PAGE_SIZE, people: result.people, total: result.total };
};
