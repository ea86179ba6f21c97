import { error } from '@sveltejs/kit';
import { appContext } from '$lib/server/app-context.ts';
import { isAppError } from '$lib/server/errors.ts';
import type { Actions, PageServerLoad } from './$types';

/**
 * The unsubscribe link of notification emails. Opening it (GET) only checks the link and asks
 * to confirm: mail scanners and link previews open links, and must not unsubscribe anyone. The
 * POST turns email notifications off: the page's button, or a mail client's one-click
 * unsubscribe (RFC 8058: a POST with `List-Unsubscribe=One-Click`, no cookies, no Origin),
 * answered 200. A forged, changed or expired link is refused with its stable code and changes
 * nothing.
 */
export const load: PageServerLoad = async ({ params }) => {
	const ctx = await appContext();
	try {
		await ctx.email.checkUnsubscribe(params.token);
	} catch (thrown) {
		if (!isAppError(thrown)) throw thrown;
		error(thrown.status, { code: thrown.code, message: thrown.message });
	}
	return { done: false };
};

export const actions: Actions = {
	default: async ({ params, locals }) => {
		const ctx = await appContext();
		try {
			const { personId } = await ctx.email.unsubscribe(params.token);
			locals.log.info({ personId }, 'email notifications turned off by unsubscribe link');
			return { done: true };
		} catch (thrown) {
			if (!isAppError(thrown)) throw thrown;
			error(thrown.status, { code: thrown.code, message: thrown.message });
		}
	}
};
