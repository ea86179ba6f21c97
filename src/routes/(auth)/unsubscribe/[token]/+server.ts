import { appContext } from '$lib/server/app-context.ts';
import { errorResponse } from '$lib/server/errors.ts';
import type { RequestHandler } from './$types';

/**
 * One-click unsubscribe (RFC 8058): a mail client POSTs `List-Unsubscribe=One-Click` here,
 * without cookies and without asking for a page, and needs only the status. SvelteKit sends a
 * POST that asks for HTML (the page's own form) to the page's action instead. A bad link
 * answers its stable code as JSON (400 / 410) and changes nothing.
 */
export const POST: RequestHandler = async ({ params, locals }) => {
	try {
		const ctx = await appContext();
		const { personId } = await ctx.email.unsubscribe(params.token);
		locals.log.info({ personId }, 'email notifications turned off by one-click unsubscribe');
		return new Response('Email notifications are off.\n', {
			status: 200,
			headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }
		});
	} catch (thrown) {
		return errorResponse(thrown);
	}
};
