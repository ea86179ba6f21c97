import type { RequestEvent } from '@sveltejs/kit';
import type { z } from 'zod';
import { appContext, type AppContext } from '../app-context.ts';
import { AppError, errorResponse, unauthenticated } from '../errors.ts';
import type { SessionUser } from '#shared/api/auth.schema.ts';
import type { ApiContract, Parsed } from '#shared/api/contract.ts';
import { isInvalidTextIssue } from '#shared/text.ts';

/** What an operation's step receives: the validated request and who sent it. */
export interface OperationInput<C extends ApiContract> {
	ctx: AppContext;
	event: RequestEvent;
	user: C['requiresUser'] extends true ? SessionUser : SessionUser | null;
	params: Parsed<C, 'params'>;
	query: Parsed<C, 'query'>;
	body: Parsed<C, 'body'>;
}

/** The step that hands the validated input to a domain service; its answer is the response. */
export type OperationStep<C extends ApiContract> = (
	input: OperationInput<C>
) => Promise<z.input<C['response']> | Response>;

/** One operation of the API as the server answers it: its shared contract and its step. */
export interface Operation<C extends ApiContract = ApiContract> {
	readonly contract: C;
	/** Answers a request the dispatcher matched to this operation (`params` from its path). */
	respond(event: RequestEvent, params: Record<string, string>): Promise<Response>;
}

/**
 * The server side of a contract: validates the request against the contract's schemas, checks
 * that someone is signed in where it requires it, runs the step and turns its answer (or any
 * error) into the JSON response, in this one place.
 */
export function handle<C extends ApiContract>(contract: C, run: OperationStep<C>): Operation<C> {
	return {
		contract,
		async respond(event, rawParams) {
			try {
				const ctx = await appContext();
				const user = event.locals.user;
				if (contract.requiresUser && !user) throw unauthenticated();
				const params = contract.params ? parse(contract.params, rawParams, 'path') : undefined;
				const query = contract.query
					? parse(contract.query, Object.fromEntries(event.url.searchParams), 'query')
					: undefined;
				const body = contract.body
					? parse(
							contract.body,
							await readJson(event.request, ctx.config.API_BODY_LIMIT_KB),
							'body'
						)
					: undefined;
				const result = await run({ ctx, event, user, body, query, params } as OperationInput<C>);
				if (result instanceof Response) return result;
				return new Response(JSON.stringify(result ?? null), {
					status: contract.status ?? 200,
					headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }
				});
			} catch (error) {
				return errorResponse(error);
			}
		}
	};
}

/**
 * Refusals: a path that names nothing valid is NOT_FOUND; text carrying forbidden characters is
 * INVALID_TEXT (400, whatever else is wrong with it); anything else is VALIDATION_FAILED.
 */
function parse(schema: z.ZodType, value: unknown, where: 'path' | 'query' | 'body'): unknown {
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
