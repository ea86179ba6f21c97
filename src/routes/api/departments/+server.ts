import { handle } from '$lib/server/http/endpoint.ts';
import * as org from '$lib/server/org/org.endpoints.ts';

export const POST = handle(org.createDepartment);
