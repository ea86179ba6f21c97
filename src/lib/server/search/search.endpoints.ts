import { handle } from '../http/endpoint.ts';
import * as contracts from '#shared/api/search.ts';

export const search = handle(contracts.search, ({ ctx, user, query }) =>
	ctx.search.search(user, query)
);
