import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { appContext } from '$lib/server/app-context.ts';
import { SESSION_COOKIE } from '$lib/server/auth/session-token.ts';
import { clearSessionCookie, setSessionCookie } from '$lib/server/auth/session-cookie.ts';
import {
	AppError,
	databaseUnavailable,
	errorResponse,
	isDatabaseUnavailable,
	RETRY_AFTER_SECONDS
} from '$lib/server/errors.ts';
import { logger } from '$lib/server/logging/logger.ts';
import { secondsSince } from '$lib/server/ops/metrics.ts';
import { contentSecurityPolicy } from '$lib/server/http/content-security-policy.js';
import { reconnectingPage } from '$lib/server/http/reconnecting-page.js';
import { strictTransportSecurity } from '$lib/server/http/transport-security.ts';

export const init: ServerInit = async () => {
	await appContext();
};

/** A request id for logs, and the client's address as adapter-node reports it. */
const handleRequestMeta: Handle = ({ event, resolve }) => {
	event.locals.requestId = crypto.randomUUID();
	event.locals.log = logger.child({ requestId: event.locals.requestId });
	event.locals.clientAddress = safeClientAddress(event.getClientAddress);
	event.locals.user = null;
	event.locals.session = null;
	return resolve(event);
};

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const COUNTED_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * HTTP metrics (ops/metrics.ts): every request SvelteKit answers, by route id (never the path:
 * ids in paths would make a series per person), method and status, and its duration.
 */
const handleMetrics: Handle = async ({ event, resolve }) => {
	const { metrics } = await appContext();
	const started = performance.now();
	const route = event.route.id ?? 'unmatched';
	const method = COUNTED_METHODS.has(event.request.method) ? event.request.method : 'other';
	let status = 500;
	try {
		const response = await resolve(event);
		status = response.status;
		return response;
	} finally {
		metrics.httpRequests.inc({ route, method, status: String(status) });
		metrics.httpSeconds.observe({ route, method }, secondsSince(started));
	}
};

/**
 * Cross-site request forgery: a browser always sends Origin on a cross-site POST, so a
 * state-changing request whose Origin is not our own is refused before anything runs.
 */
const handleOrigin: Handle = ({ event, resolve }) => {
	const origin = event.request.headers.get('origin');
	if (SAFE_METHODS.has(event.request.method) || !origin || origin === event.url.origin) {
		return resolve(event);
	}
	return errorResponse(new AppError('FORBIDDEN', 'Cross-site requests are refused.'));
};

/** Resolves the session cookie; a forged, expired or ended one is cleared. */
const handleSession: Handle = async ({ event, resolve }) => {
	const token = event.cookies.get(SESSION_COOKIE);
	if (!token) return resolve(event);
	const ctx = await appContext();
	let validated: Awaited<ReturnType<typeof ctx.auth.validateToken>>;
	try {
		validated = await ctx.auth.validateToken(token);
	} catch (error) {
		// An outage of our own database is neither a signed-out person nor a bug: 503, try again.
		if (!isDatabaseUnavailable(error)) throw error;
		event.locals.log.warn({ err: error }, 'database unavailable');
		return unavailableResponse(event.url.pathname);
	}
	if (!validated) {
		clearSessionCookie(event.cookies, event.url);
		return resolve(event);
	}
	event.locals.user = validated.user;
	event.locals.session = {
		id: validated.session.id,
		createdAt: validated.session.createdAt.toISOString(),
		lastSeenAt: validated.session.lastSeenAt.toISOString(),
		expiresAt: validated.session.expiresAt.toISOString(),
		device: '',
		ip: validated.session.ip,
		current: true
	};
	if (validated.renewedExpiresAt) {
		setSessionCookie(event.cookies, event.url, token, validated.renewedExpiresAt);
	}
	return resolve(event);
};

/** The API answers every failure as JSON with a stable code, including SvelteKit's own 405s. */
const handleApiErrors: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	if (!event.url.pathname.startsWith('/api/') || response.status !== 405) return response;
	return errorResponse(
		new AppError(
			'BAD_REQUEST',
			`${event.request.method} is not supported on ${event.url.pathname}.`
		)
	);
};

/**
 * Pages get their Content-Security-Policy, with this request's nonce, from SvelteKit (kit.csp);
 * every other answer (API JSON, redirects, data) gets the same policy without one. Over https
 * (ORIGIN https://…), every answer also carries HSTS (http/transport-security.ts).
 */
const handleSecurityHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	if (!response.headers.has('content-security-policy')) {
		response.headers.set('content-security-policy', contentSecurityPolicy);
	}
	response.headers.set('x-content-type-options', 'nosniff');
	response.headers.set('referrer-policy', 'same-origin');
	response.headers.set('x-frame-options', 'DENY');
	const hsts = strictTransportSecurity(event.url);
	if (hsts) response.headers.set('strict-transport-security', hsts);
	return response;
};

export const handle = sequence(
	handleMetrics,
	handleRequestMeta,
	handleOrigin,
	handleSession,
	handleApiErrors,
	handleSecurityHeaders
);

export const handleError: HandleServerError = ({ error, event, status, message }) => {
	if (isDatabaseUnavailable(error)) {
		(event.locals.log ?? logger).warn({ err: error }, 'database unavailable');
		return { code: 'SERVICE_UNAVAILABLE', message: databaseUnavailable().message };
	}
	if (status >= 500) (event.locals.log ?? logger).error({ err: error }, 'request failed');
	return { code: status === 404 ? 'NOT_FOUND' : 'INTERNAL', message };
};

/**
 * The API answers in its JSON error format; a page (or its data) gets a small page that says
 * the app is reconnecting and loads itself again after Retry-After.
 */
function unavailableResponse(pathname: string): Response {
	if (pathname.startsWith('/api/') || pathname.endsWith('/__data.json')) {
		return errorResponse(databaseUnavailable());
	}
	const page = reconnectingPage(RETRY_AFTER_SECONDS);
	return new Response(page, {
		status: 503,
		headers: {
			'content-type': 'text/html; charset=utf-8',
			'retry-after': String(RETRY_AFTER_SECONDS),
			'cache-control': 'no-store'
		}
	});
}

function safeClientAddress(getClientAddress: () => string): string {
	try {
		return getClientAddress();
	} catch {
		return 'unknown';
	}
}
