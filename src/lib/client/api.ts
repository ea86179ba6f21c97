import type { z } from 'zod';
import {
	pathOf,
	type ApiContract,
	type Method,
	type ResultOf,
	type Sent
} from '../shared/api/contract.ts';
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

/** What the browser sends for an operation: its path parameters, query and body, as required. */
export type CallInput<C extends ApiContract> = (C extends { params: z.ZodType }
	? { params: Sent<C, 'params'> }
	: { params?: undefined }) &
	(C extends { query: z.ZodType } ? { query?: Sent<C, 'query'> } : { query?: undefined }) &
	(C extends { body: z.ZodType } ? { body: Sent<C, 'body'> } : { body?: undefined });

/** Input may be left out where the operation takes none that is required. */
type CallArgs<C extends ApiContract> =
	Record<string, never> extends CallInput<C> ? [input?: CallInput<C>] : [input: CallInput<C>];

/**
 * Calls one operation of the API by its shared contract: the path, method and types come from
 * it, JSON in and out. Throws ApiError on any failure (the server's stable code, or NETWORK).
 */
export async function call<C extends ApiContract>(
	contract: C,
	...[input]: CallArgs<C>
): Promise<ResultOf<C>> {
	return (await callWithHeaders(contract, ...([input] as CallArgs<C>))).value;
}

/** `call`, with the answer's headers (the service worker marks an answer it kept offline). */
export async function callWithHeaders<C extends ApiContract>(
	contract: C,
	...[input]: CallArgs<C>
): Promise<{ value: ResultOf<C>; headers: Headers }> {
	const given = (input ?? {}) as { params?: object; query?: object; body?: unknown };
	const path = pathOf(contract, given.params as Record<string, string> | undefined);
	const response = await send(contract.method, `${path}${searchOf(given.query)}`, given.body);
	return { value: (await answerOf(response)) as ResultOf<C>, headers: response.headers };
}

/** `?name=value…` of the query's defined values, or ''. */
function searchOf(query: object | undefined): string {
	const search = new URLSearchParams();
	for (const [name, value] of Object.entries(query ?? {})) {
		if (value !== undefined && value !== null) search.set(name, String(value));
	}
	const text = search.toString();
	return text ? `?${text}` : '';
}

async function send(method: Method, url: string, body: unknown): Promise<Response> {
	try {
		return await fetch(url, {
			method,
			headers:
				body === undefined
					? { accept: 'application/json' }
					: { accept: 'application/json', 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body)
		});
	} catch {
		throw new ApiError('NETWORK', 'Cannot reach ConnectFlow. Check your connection.', 0);
	}
}

async function answerOf(response: Response): Promise<unknown> {
	const payload: unknown = await response.json().catch(() => null);
	if (response.ok) return payload;
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
