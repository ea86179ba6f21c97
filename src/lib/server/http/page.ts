import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import { appContext, type AppContext } from '../app-context.ts';
import { isAppError } from '../errors.ts';
import type { SessionUser } from '#shared/api/auth.schema.ts';

/**
 * For page loads: the signed-in person (or a redirect to sign-in) and the services; an AppError
 * becomes SvelteKit's error page with the same status and code.
 */
export async function pageContext(event: Pick<RequestEvent, 'locals' | 'url'>): Promise<{
	ctx: AppContext;
	user: SessionUser;
}> {
	const user = event.locals.user;
	if (!user) {
		const next = event.url.pathname + event.url.search;
		redirect(303, `/signin?next=${encodeURIComponent(next)}`);
	}
	return { ctx: await appContext(), user };
}

export async function loadOrFail<T>(work: () => Promise<T>): Promise<T> {
	try {
		return await work();
	} catch (caught) {
		if (isAppError(caught)) error(caught.status, { code: caught.code, message: caught.message });
		throw caught;
	}
}
