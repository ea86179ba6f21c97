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

/** Turns any thrown value into the JSON error answer. The only place that does so. */
export function errorResponse(error: unknown): Response {
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
