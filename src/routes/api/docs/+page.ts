import { error } from '@sveltejs/kit';
import type { PageLoad } from './$types';

/** The parts of the OpenAPI document this page reads; the rest goes to the reference as is. */
export interface OpenApiDocument {
	info: { title: string; version: string; description?: string };
	components?: { securitySchemes?: Record<string, { in?: string; name?: string }> };
	[key: string]: unknown;
}

/** The documentation is rendered from the same OpenAPI document that clients can download. */
export const load: PageLoad = async ({ fetch }) => {
	const response = await fetch('/api/openapi.json');
	if (!response.ok) {
		error(502, { code: 'INTERNAL', message: 'The API description could not be loaded.' });
	}
	return { spec: (await response.json()) as OpenApiDocument };
};
