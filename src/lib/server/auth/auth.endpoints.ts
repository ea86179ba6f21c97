import type { RequestEvent } from '@sveltejs/kit';
import { handle } from '../http/endpoint.ts';
import { unauthenticated } from '../errors.ts';
import * as auth from '#shared/api/auth.ts';
import { clearSessionCookie, setSessionCookie } from './session-cookie.ts';
import type { IssuedSession } from './auth.service.ts';

const clientOf = (event: RequestEvent) => ({
	userAgent: event.request.headers.get('user-agent') ?? '',
	ip: event.locals.clientAddress
});

function startSession(event: RequestEvent, issued: IssuedSession) {
	setSessionCookie(event.cookies, event.url, issued.token, issued.expiresAt);
	return { user: issued.user };
}

export const createOrganization = handle(auth.createOrganization, async ({ ctx, event, body }) =>
	startSession(event, await ctx.auth.createOrganization(body, clientOf(event)))
);

export const register = handle(auth.register, async ({ ctx, event, body }) => {
	const result = await ctx.auth.register(body, clientOf(event));
	return 'pendingApproval' in result ? result : startSession(event, result);
});

export const signIn = handle(auth.signIn, async ({ ctx, event, body }) =>
	startSession(event, await ctx.auth.signIn(body, clientOf(event)))
);

export const signOut = handle(auth.signOut, async ({ ctx, event, user }) => {
	const session = event.locals.session;
	if (user && session) await ctx.auth.signOut(session.id, user.id);
	clearSessionCookie(event.cookies, event.url);
	return { ok: true as const };
});

export const me = handle(auth.me, async ({ user }) => ({ user }));

export const listSessions = handle(auth.listSessions, async ({ ctx, event, user }) => {
	if (!event.locals.session) throw unauthenticated();
	return { sessions: await ctx.auth.listSessions(user.id, event.locals.session.id) };
});

export const endSession = handle(auth.endSession, async ({ ctx, event, user, params }) => {
	await ctx.auth.endSession(user.id, params.id);
	if (params.id === event.locals.session?.id) clearSessionCookie(event.cookies, event.url);
	return { ok: true as const };
});
