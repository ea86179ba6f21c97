import { handle } from '$lib/server/http/endpoint.ts';
import * as people from '$lib/server/people/people.endpoints.ts';

export const GET = handle(people.orgChart);
