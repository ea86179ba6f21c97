import { json } from '@sveltejs/kit';
import { apiCatalog } from '$lib/server/http/api-catalog.ts';
import { buildOpenApi } from '$lib/server/http/openapi.ts';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ url }) => json(buildOpenApi(apiCatalog, url.origin));
