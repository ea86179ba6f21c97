import { isErrorBody, type ErrorCode } from '../shared/errors.ts';

/** An API failure as the browser sees it: the server's stable code and its message. */
export class ApiError extends Error {
	readonly code: ErrorCode | 'NETWORK';
	readonly status: number;
	readonly details: unknown;

	constructor(code: ErrorCode | 'NETWORK', message: string, status: number, details?: unknown) {
		super(message);
		this.name = 'ApiError';
		this.code = code;
		this.status = status;
		this.details = details;
	}
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** Calls the ConnectFlow HTTP API with JSON in and out; throws ApiError on any failure. */
export async function api<T>(
	method: Method,
	path: string,
	body?: unknown,
	fetcher: typeof fetch = fetch
): Promise<T> {
	let response: Response;
	try {
		response = await fetcher(path, {
			method,
			headers: body === undefined ? {} : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body)
		});
	} catch {
		throw new ApiError('NETWORK', 'Cannot reach ConnectFlow. Check your connection.', 0);
	}
	const payload: unknown = await response.json().catch(() => null);
	if (!response.ok) {
		if (isErrorBody(payload)) {
			throw new ApiError(
				payload.error.code,
				payload.error.message,
				response.status,
				payload.error.details
			);
		}
		throw new ApiError('INTERNAL', `The server answered ${response.status}.`, response.status);
	}
	return payload as T;
}
