import { defineEndpoint } from '../http/endpoint.ts';
import { searchRequestSchema, searchResultSchema } from './search.schema.ts';

export const search = defineEndpoint({
	method: 'GET',
	path: '/api/search',
	summary:
		'Search messages in every channel I can read: partial words, from:, in:, has:file|image|link, mentions:me, before:, after:, is:thread',
	tag: 'Search',
	requiresUser: true,
	query: searchRequestSchema,
	response: searchResultSchema,
	run: ({ ctx, user, query }) => ctx.search.search(user, query)
});
