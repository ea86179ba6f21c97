import { defineContract } from './contract.ts';
import { searchRequestSchema, searchResultSchema } from './search.schema.ts';

/** Server search over the record of messages. */
export const search = defineContract({
	method: 'GET',
	path: '/api/search',
	summary:
		'Search messages in every channel I can read: partial words, from:, in:, has:file|image|link, mentions:me, before:, after:, is:thread',
	tag: 'Search',
	requiresUser: true,
	query: searchRequestSchema,
	response: searchResultSchema
});
