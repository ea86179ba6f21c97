import { z } from 'zod';
import type { RequestEvent } from '@sveltejs/kit';
import { defineEndpoint } from '../http/endpoint.ts';
import { unauthenticated } from '../errors.ts';
import {
	createOrganizationSchema,
	registerSchema,
	sessionInfoSchema,
	sessionUserSchema,
	signInSchema
} from './auth.schema.ts';
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

const signedInSchema = z.object({ user: sessionUserSchema });

export const createOrganization = defineEndpoint({
	method: 'POST',
	path: '/api/organizations',
	summary: 'Create an organization; the creator becomes its Super Admin and is signed in',
	tag: 'Sign-in',
	requiresUser: false,
	body: createOrganizationSchema,
	response: signedInSchema,
	status: 201,
	run: async ({ ctx, event, body }) =>
		startSession(event, await ctx.auth.createOrganization(body, clientOf(event)))
});

export const register = defineEndpoint({
	method: 'POST',
	path: '/api/auth/register',
	summary: 'Join an organization with its join code',
	tag: 'Sign-in',
	requiresUser: false,
	body: registerSchema,
	response: z.union([signedInSchema, z.object({ pendingApproval: z.literal(true) })]),
	status: 201,
	run: async ({ ctx, event, body }) => {
		const result = await ctx.auth.register(body, clientOf(event));
		return 'pendingApproval' in result ? result : startSession(event, result);
	}
});

export const signIn = defineEndpoint({
	method: 'POST',
	path: '/api/auth/sign-in',
	summary: 'Sign in with email and password (rate limited per account and address)',
	tag: 'Sign-in',
	requiresUser: false,
	body: signInSchema,
	response: signedInSchema,
	run: async ({ ctx, event, body }) =>
		startSession(event, await ctx.auth.signIn(body, clientOf(event)))
});

export const signOut = defineEndpoint({
	method: 'POST',
	path: '/api/auth/sign-out',
	summary: 'End the current session',
	tag: 'Sign-in',
	requiresUser: false,
	response: z.object({ ok: z.literal(true) }),
	run: async ({ ctx, event, user }) => {
		const session = event.locals.session;
		if (user && session) await ctx.auth.signOut(session.id, user.id);
		clearSessionCookie(event.cookies, event.url);
		return { ok: true as const };
	}
});

export const me = defineEndpoint({
	method: 'GET',
	path: '/api/me',
	summary: 'The signed-in person',
	tag: 'Sessions',
	requiresUser: true,
	response: signedInSchema,
	run: async ({ user }) => ({ user })
});

export const listSessions = defineEndpoint({
	method: 'GET',
	path: '/api/sessions',
	summary: 'My sessions on every device, most recently used first',
	tag: 'Sessions',
	requiresUser: true,
	response: z.object({ sessions: z.array(sessionInfoSchema) }),
	run: async ({ ctx, event, user }) => {
		if (!event.locals.session) throw unauthenticated();
		return { sessions: await ctx.auth.listSessions(user.id, event.locals.session.id) };
	}
});

export const endSession = defineEndpoint({
	method: 'DELETE',
	path: '/api/sessions/{id}',
	summary: 'End one of my sessions (signs that device out on its next request)',
	tag: 'Sessions',
	requiresUser: true,
	params: z.object({ id: z.string().regex(/^[0-9a-f]{64}$/, 'Not a session id.') }),
	response: z.object({ ok: z.literal(true) }),
	run: async ({ ctx, event, user, params }) => {
		await ctx.auth.endSession(user.id, params.id);
		if (params.id === event.locals.session?.id) clearSessionCookie(event.cookies, event.url);
		return { ok: true as const };
	}
});
