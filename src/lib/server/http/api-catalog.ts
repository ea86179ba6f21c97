import * as auth from '../auth/auth.endpoints.ts';
import * as org from '../org/org.endpoints.ts';
import * as people from '../people/people.endpoints.ts';
import * as channels from '../channels/channel.endpoints.ts';
import * as search from '../search/search.endpoints.ts';
import type { Endpoint } from './endpoint.ts';

/** Every HTTP API operation; the OpenAPI document is generated from this list. */
export const apiCatalog: Endpoint[] = [
	...Object.values(auth),
	...Object.values(org),
	...Object.values(people),
	...Object.values(channels),
	...Object.values(search)
] as Endpoint[];
