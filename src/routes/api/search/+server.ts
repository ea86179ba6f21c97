import { handle } from '$lib/server/http/endpoint.ts';
import * as search from '$lib/server/search/search.endpoints.ts';

export const GET = handle(search.search);
