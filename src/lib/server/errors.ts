import { errorStatus, type ErrorBody, type ErrorCode } from '../shared/errors.ts';
import { logger } from './logging/logger.ts';

/**
 * The one error type services throw. `code` is stable and documented; `message` is for people.
 * Checked by its `name` rather than `instanceof` so errors thrown by the collaboration server's
 * copy of a module are recognised by the SvelteKit bundle's copy as well.
 */
export class AppError extends Error {
	override readonly name = 'AppError';
	readonly code: ErrorCode;
	readonly status: number;
	readonly details: unknown;
	readonly headers: Record<string, string>;

	constructor(
		code: ErrorCode,
		message: string,
		options: { details?: unknown; headers?: Record<string, string> } = {}
	) {
		super(message);
		this.code = code;
		this.status = errorStatus[code];
		this.details = options.details;
		this.headers = options.headers ?? {};
	}
}

export function isAppError(error: unknown): error is AppError {
	return (
		error instanceof Error &&
		error.name === 'AppError' &&
		typeof (error as { code?: unknown }).code === 'string'
	);
}

export const forbidden = (message = 'You are not allowed to do that.') =>
	new AppError('FORBIDDEN', message);
export const notFound = (what = 'That item') => new AppError('NOT_FOUND', `${what} was not found.`);
export const unauthenticated = (message = 'Please sign in.') =>
	new AppError('UNAUTHENTICATED', message);

/** Seconds a client is asked to wait before trying again while the database is out of reach. */
export const RETRY_AFTER_SECONDS = 5;

/** Error codes of the `postgres` client for a connection that failed or went away. */
const CONNECTION_ERRORS = new Set([
	'ECONNREFUSED',
	'ECONNRESET',
	'EPIPE',
	'ETIMEDOUT',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'ENOTFOUND',
	'EAI_AGAIN',
	'CONNECTION_ENDED',
	'CONNECTION_CLOSED',
	'CONNECTION_DESTROYED',
	'CONNECT_TIMEOUT'
]);

/**
 * Whether an error says the database is out of reach (an outage), as opposed to a query it
 * refused: a connection that failed or was cut, a server shutting down or not accepting
 * connections (SQLSTATE 57P01-57P03, class 08, 53300, and 55000 "not currently accepting
 * connections" of a database closed to connections).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
	if (typeof error !== 'object' || error === null) return false;
	const { code, message, errors, cause } = error as {
		code?: unknown;
		message?: unknown;
		errors?: unknown;
		cause?: unknown;
	};
	if (typeof code === 'string') {
		if (CONNECTION_ERRORS.has(code)) return true;
		if (/^(57P0[123]|08...|53300)$/.test(code)) return true;
		if (code === '55000' && typeof message === 'string' && /accepting connections/.test(message))
			return true;
	}
	// A connection attempt to several addresses fails with an AggregateError of each attempt.
	if (Array.isArray(errors) && errors.some(isDatabaseUnavailable)) return true;
	return cause !== undefined && cause !== error && isDatabaseUnavailable(cause);
}

/** The answer to a request that needs the database while it is out of reach. */
export const databaseUnavailable = () =>
	new AppError(
		'SERVICE_UNAVAILABLE',
		'ConnectFlow cannot reach its database right now. Reconnecting…',
		{ headers: { 'retry-after': String(RETRY_AFTER_SECONDS) } }
	);

/** Turns any thrown value into the JSON error answer. The only place that does so. */
export function errorResponse(thrown: unknown): Response {
	const error = isDatabaseUnavailable(thrown) ? databaseUnavailable() : thrown;
	if (error !== thrown) logger.warn({ err: thrown }, 'database unavailable');
	const appError = isAppError(error) ? error : null;
	if (!appError) logger.error({ err: error }, 'unexpected error');
	const code: ErrorCode = appError?.code ?? 'INTERNAL';
	const body: ErrorBody = {
		error: {
			code,
			message: appError?.message ?? 'Something went wrong on our side. Please try again.',
			...(appError?.details !== undefined ? { details: appError.details } : {})
		}
	};
	return new Response(JSON.stringify(body), {
		status: errorStatus[code],
		headers: { 'content-type': 'application/json', ...(appError?.headers ?? {}) }
	});
}
