import type { RequestEvent, RequestHandler } from '@sveltejs/kit';
import { z } from 'zod';
import { appContext, type AppContext } from '../app-context.ts';
import { AppError, errorResponse, unauthenticated } from '../errors.ts';
import type { SessionUser } from '../auth/auth.schema.ts';
import { isInvalidTextIssue } from '../../shared/text.ts';

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
type Schema = z.ZodType;
type Infer<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface EndpointInput<B, Q, P, A extends boolean> {
	ctx: AppContext;
	event: RequestEvent;
	user: A extends true ? SessionUser : SessionUser | null;
	body: B;
	query: Q;
	params: P;
}

/**
 * One HTTP API operation: its schemas (the single source of validation, types and the OpenAPI
 * document) and the thin step that hands the validated input to a domain service.
 */
export interface Endpoint<
	B extends Schema | undefined = Schema | undefined,
	Q extends Schema | undefined = Schema | undefined,
	P extends Schema | undefined = Schema | undefined,
	R extends Schema = Schema,
	A extends boolean = boolean
> {
	method: Method;
	path: string;
	summary: string;
	tag: string;
	requiresUser: A;
	body?: B;
	query?: Q;
	params?: P;
	response: R;
	status?: number;
	run(input: EndpointInput<Infer<B>, Infer<Q>, Infer<P>, A>): Promise<z.input<R> | Response>;
}

export function defineEndpoint<
	B extends Schema | undefined,
	Q extends Schema | undefined,
	P extends Schema | undefined,
	R extends Schema,
	A extends boolean
>(endpoint: Endpoint<B, Q, P, R, A>): Endpoint<B, Q, P, R, A> {
	return endpoint.body ? { ...endpoint, body: strictBody(endpoint.body) } : endpoint;
}

/**
 * A request body refuses fields its schema does not name, rather than dropping them: a client
 * never believes it set something that was ignored, and no field is slipped past a schema
 * (mass assignment). Done here once, so the OpenAPI document says it too.
 */
function strictBody<B extends Schema>(body: B): B {
	return (body instanceof z.ZodObject ? body.strict() : body) as B;
}

/** Turns an endpoint into a SvelteKit handler; every error becomes the JSON error answer here. */
export function handle(endpoint: Endpoint): RequestHandler {
	return async (event) => {
		try {
			const ctx = await appContext();
			const user = event.locals.user;
			if (endpoint.requiresUser && !user) throw unauthenticated();
			const params = endpoint.params ? parse(endpoint.params, event.params, 'path') : undefined;
			const query = endpoint.query
				? parse(endpoint.query, Object.fromEntries(event.url.searchParams), 'query')
				: undefined;
			const body = endpoint.body
				? parse(endpoint.body, await readJson(event.request, ctx.config.API_BODY_LIMIT_KB), 'body')
				: undefined;
			const result = await endpoint.run({ ctx, event, user, body, query, params } as never);
			if (result instanceof Response) return result;
			return new Response(JSON.stringify(result ?? null), {
				status: endpoint.status ?? 200,
				headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }
			});
		} catch (error) {
			return errorResponse(error);
		}
	};
}

/**
 * Refusals: a path that names nothing valid is NOT_FOUND; text carrying forbidden characters is
 * INVALID_TEXT (400, whatever else is wrong with it); anything else is VALIDATION_FAILED.
 */
function parse(schema: Schema, value: unknown, where: 'path' | 'query' | 'body'): unknown {
	const result = schema.safeParse(value);
	if (result.success) return result.data;
	const invalidText = result.error.issues.filter(isInvalidTextIssue);
	const shown = invalidText.length > 0 ? invalidText : result.error.issues;
	const issues = shown.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
	const first = issues[0];
	const message = first
		? `${first.path ? `${first.path}: ` : ''}${first.message}`
		: `The request ${where} is not valid.`;
	const details = { details: { where, issues } };
	if (where === 'path') throw new AppError('NOT_FOUND', `No such item: ${message}`, details);
	if (invalidText.length > 0) throw new AppError('INVALID_TEXT', message, details);
	throw new AppError('VALIDATION_FAILED', message, details);
}

/** Reads a JSON body, refusing more than `limitKb` before it is all in memory. */
export async function readJson(request: Request, limitKb: number): Promise<unknown> {
	const limit = limitKb * 1024;
	const declared = Number(request.headers.get('content-length') ?? '0');
	if (declared > limit) throw tooLarge(limitKb);
	const contentType = request.headers.get('content-type') ?? '';
	if (contentType && !contentType.includes('application/json')) {
		throw new AppError('BAD_REQUEST', 'Send the request body as application/json.');
	}
	const text = await readLimited(request, limit, limitKb);
	if (text.trim() === '') throw new AppError('MALFORMED_JSON', 'The request body is empty.');
	try {
		return JSON.parse(text);
	} catch {
		throw new AppError('MALFORMED_JSON', 'The request body is not valid JSON.');
	}
}

async function readLimited(request: Request, limit: number, limitKb: number): Promise<string> {
	if (!request.body) return '';
	const reader = request.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		size += value.byteLength;
		if (size > limit) {
			await reader.cancel();
			throw tooLarge(limitKb);
		}
		chunks.push(value);
	}
	return new TextDecoder().decode(Buffer.concat(chunks));
}

/** The unread rest of the body stays on the socket, so the connection is not reused. */
function tooLarge(limitKb: number) {
	return new AppError('PAYLOAD_TOO_LARGE', `The request body is larger than ${limitKb} KB.`, {
		headers: { connection: 'close' }
	});
}
