import { json } from '@sveltejs/kit';
import { apiContracts } from '$lib/shared/api/catalog.ts';
import { buildOpenApi } from '$lib/server/http/openapi.ts';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ url }) =>
	json(buildOpenApi(Object.values(apiContracts), url.origin));
