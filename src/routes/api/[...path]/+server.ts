import { dispatch } from '$lib/server/http/dispatch.ts';
import type { RequestHandler } from './$types';

/** Every API operation, by the path of its shared contract (see `dispatch`). */
export const fallback: RequestHandler = (event) => dispatch(event);
