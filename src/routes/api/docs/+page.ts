import { error } from '@sveltejs/kit';
import type { OpenApiDocument } from './openapi.ts';
import type { PageLoad } from './$types';

/** The documentation is rendered from the same OpenAPI document that clients can download. */
export const load: PageLoad = async ({ fetch }) => {
	const response = await fetch('/api/openapi.json');
	if (!response.ok) {
		error(502, { code: 'INTERNAL', message: 'The API description could not be loaded.' });
	}
	return { spec: (await response.json()) as OpenApiDocument };
};
