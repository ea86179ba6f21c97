import { z } from 'zod';
import { defineContract } from './contract.ts';
import {
	createOrganizationSchema,
	registerSchema,
	sessionInfoSchema,
	signedInSchema,
	signInSchema
} from './auth.schema.ts';

/** Sign-up, joining, sign-in and sessions. */
const ok = z.object({ ok: z.literal(true) });

export const createOrganization = defineContract({
	method: 'POST',
	path: '/api/organizations',
	summary: 'Create an organization; the creator becomes its Super Admin and is signed in',
	tag: 'Sign-in',
	requiresUser: false,
	body: createOrganizationSchema,
	response: signedInSchema,
	status: 201
});

export const register = defineContract({
	method: 'POST',
	path: '/api/auth/register',
	summary: 'Join an organization with its join code',
	tag: 'Sign-in',
	requiresUser: false,
	body: registerSchema,
	response: z.union([signedInSchema, z.object({ pendingApproval: z.literal(true) })]),
	status: 201
});

export const signIn = defineContract({
	method: 'POST',
	path: '/api/auth/sign-in',
	summary: 'Sign in with email and password (rate limited per account and address)',
	tag: 'Sign-in',
	requiresUser: false,
	body: signInSchema,
	response: signedInSchema
});

export const signOut = defineContract({
	method: 'POST',
	path: '/api/auth/sign-out',
	summary: 'End the current session',
	tag: 'Sign-in',
	requiresUser: false,
	response: ok
});

export const me = defineContract({
	method: 'GET',
	path: '/api/me',
	summary: 'The signed-in person',
	tag: 'Sessions',
	requiresUser: true,
	offline: true,
	response: signedInSchema
});

export const listSessions = defineContract({
	method: 'GET',
	path: '/api/sessions',
	summary: 'My sessions on every device, most recently used first',
	tag: 'Sessions',
	requiresUser: true,
	response: z.object({ sessions: z.array(sessionInfoSchema) })
});

export const endSession = defineContract({
	method: 'DELETE',
	path: '/api/sessions/{id}',
	summary: 'End one of my sessions (signs that device out on its next request)',
	tag: 'Sessions',
	requiresUser: true,
	params: z.object({ id: z.string().regex(/^[0-9a-f]{64}$/, 'Not a session id.') }),
	response: ok
});
