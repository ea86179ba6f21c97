import { z } from 'zod';

/**
 * The API contract: every HTTP operation's method, path, documentation and zod schemas, in code
 * the browser and the server share. The server answers it (`handle` in
 * `src/lib/server/http/endpoint.ts`), the browser calls it (`call` in `src/lib/client/api.ts`),
 * forms validate with its schemas and the OpenAPI document is generated from it, so a path, a
 * field or a check is written once.
 */
export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface ApiContract {
	readonly method: Method;
	/** `/api/...`, with `{name}` for each path parameter (the OpenAPI spelling). */
	readonly path: string;
	readonly summary: string;
	/** The group it is listed under in the API reference. */
	readonly tag: string;
	readonly requiresUser: boolean;
	readonly params?: z.ZodType;
	readonly query?: z.ZodType;
	readonly body?: z.ZodType;
	readonly response: z.ZodType;
	/** The status of a success; 200 when not given. */
	readonly status?: number;
	/**
	 * A read the app shows offline: the service worker keeps its last answer and gives it when
	 * the network is out of reach (GET only).
	 */
	readonly offline?: true;
}

/** What a part of the request is after validation (what the server's step receives). */
export type Parsed<C extends ApiContract, K extends 'params' | 'query' | 'body'> = C extends {
	[key in K]: infer S extends z.ZodType;
}
	? z.output<S>
	: undefined;

/** What a part of the request may be before validation (what a client sends). */
export type Sent<C extends ApiContract, K extends 'params' | 'query' | 'body'> = C extends {
	[key in K]: infer S extends z.ZodType;
}
	? z.input<S>
	: undefined;

/** The success answer's body. */
export type ResultOf<C extends ApiContract> = z.output<C['response']>;

/**
 * Declares one operation. An object body refuses fields its schema does not name rather than
 * dropping them: a client never believes it set something that was ignored, and no field is
 * slipped past a schema (mass assignment). Done here once, so the OpenAPI document says it too.
 */
export function defineContract<const C extends ApiContract>(contract: C): C {
	if (!(contract.body instanceof z.ZodObject)) return contract;
	return { ...contract, body: contract.body.strict() };
}

/** The path with its parameters filled in, each percent-encoded as one segment. */
export function pathOf(contract: ApiContract, params: Record<string, string> = {}): string {
	return contract.path.replace(/\{(\w+)\}/g, (_match, name: string) => {
		const value = params[name];
		if (value === undefined) throw new Error(`${contract.path} needs the parameter ${name}.`);
		return encodeURIComponent(value);
	});
}

/** Path parameter id of the catalogue (`{id}`): the id of an item. */
export const idParams = z.object({ id: z.uuid('Not a valid id.') });

/**
 * The message each field's first issue gives when `value` does not pass `schema`, for forms
 * that check what they can before sending (the same check the server makes). Keys are the
 * issue paths joined with '.', as the server's `details.issues` spell them.
 */
export function fieldIssues(schema: z.ZodType, value: unknown): Record<string, string> {
	const result = schema.safeParse(value);
	if (result.success) return {};
	const messages: Record<string, string> = {};
	for (const issue of result.error.issues) {
		const path = issue.path.join('.');
		messages[path] ??= issue.message;
	}
	return messages;
}

/**
 * Whether a request path is one of the catalogue's offline reads (`offline: true`), for the
 * service worker: the paths come from the contracts, so a new offline read needs no second list.
 */
export function offlineReads(contracts: Record<string, ApiContract>): (path: string) => boolean {
	const patterns = Object.values(contracts)
		.filter((contract) => contract.offline && contract.method === 'GET')
		.map((contract) => {
			// Each `{name}` is one segment; the rest is taken literally.
			const escaped = contract.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
			return new RegExp(`^${escaped.replace(/\{\w+\}/g, '[^/]+')}$`);
		});
	return (path) => patterns.some((pattern) => pattern.test(path));
}
