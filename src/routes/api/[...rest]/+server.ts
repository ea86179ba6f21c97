import { AppError, errorResponse } from '$lib/server/errors.ts';
import type { RequestHandler } from './$types';

/** Unknown API paths and methods answer in the API's error format, not with an HTML page. */
export const fallback: RequestHandler = ({ request, url }) =>
	errorResponse(new AppError('NOT_FOUND', `No API operation ${request.method} ${url.pathname}.`));
