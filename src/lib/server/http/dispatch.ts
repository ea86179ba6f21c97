import type { RequestEvent } from '@sveltejs/kit';
import { AppError, errorResponse } from '../errors.ts';
import { apiOperations } from './api-catalog.ts';
import type { Operation } from './endpoint.ts';

/**
 * Routes every `/api/…` request to its operation by the path written in the shared contract,
 * so a path has one source: no route folder repeats it. `src/routes/api/[...path]/+server.ts`
 * hands every method here; `/api/docs` and `/api/openapi.json`, which are not operations, are
 * routes of their own (SvelteKit prefers them to the rest parameter).
 */
type Segment = { literal: string } | { param: string };

interface Route {
	operation: Operation;
	segments: Segment[];
	/** Literal segments win over parameters when two paths could match. */
	literals: number;
}

const routes: Route[] = Object.values(apiOperations as Record<string, Operation>).map(
	(operation) => {
		const segments = operation.contract.path
			.split('/')
			.slice(1)
			.map((part): Segment => {
				const param = /^\{(\w+)\}$/.exec(part)?.[1];
				return param ? { param } : { literal: part };
			});
		const literals = segments.filter((segment) => 'literal' in segment).length;
		return { operation, segments, literals };
	}
);

/** The path's segments, percent-decoded; null when one is not valid percent-encoding. */
function segmentsOf(pathname: string): string[] | null {
	try {
		return pathname.split('/').slice(1).map(decodeURIComponent);
	} catch {
		return null;
	}
}

function match(route: Route, segments: string[]): Record<string, string> | null {
	if (route.segments.length !== segments.length) return null;
	const params: Record<string, string> = {};
	for (const [index, segment] of route.segments.entries()) {
		const value = segments[index]!;
		if ('literal' in segment) {
			if (segment.literal !== value) return null;
		} else {
			if (value === '') return null;
			params[segment.param] = value;
		}
	}
	return params;
}

/** What a request's method and path name: an operation, only other methods, or nothing. */
export type Resolution =
	| { kind: 'operation'; operation: Operation; params: Record<string, string> }
	| { kind: 'other-methods'; allowed: string[] }
	| { kind: 'none' };

/** HEAD is answered as GET (Node sends no body). */
export function resolveRoute(method: string, pathname: string): Resolution {
	const wanted = method === 'HEAD' ? 'GET' : method;
	const segments = segmentsOf(pathname) ?? [];
	const found = routes.flatMap((route) => {
		const params = match(route, segments);
		return params ? [{ route, params }] : [];
	});
	const chosen = found
		.filter(({ route }) => route.operation.contract.method === wanted)
		.sort((a, b) => b.route.literals - a.route.literals)[0];
	if (chosen)
		return { kind: 'operation', operation: chosen.route.operation, params: chosen.params };
	if (found.length === 0) return { kind: 'none' };
	const allowed = [...new Set(found.map(({ route }) => route.operation.contract.method))];
	return { kind: 'other-methods', allowed };
}

/**
 * Answers an API request: the operation whose path and method match; a known path with another
 * method is BAD_REQUEST (with `Allow`), an unknown path NOT_FOUND, both in the API's JSON error
 * format, as SvelteKit's route folders answered before (its 405 turned into BAD_REQUEST by
 * `handleApiErrors` in hooks.server.ts).
 */
export function dispatch(event: RequestEvent): Promise<Response> | Response {
	const { method } = event.request;
	const { pathname } = event.url;
	const resolution = resolveRoute(method, pathname);
	if (resolution.kind === 'operation') {
		return resolution.operation.respond(event, resolution.params);
	}
	if (resolution.kind === 'other-methods') {
		return errorResponse(
			new AppError('BAD_REQUEST', `${method} is not supported on ${pathname}.`, {
				headers: { allow: resolution.allowed.join(', ') }
			})
		);
	}
	return errorResponse(new AppError('NOT_FOUND', `No API operation ${method} ${pathname}.`));
}
