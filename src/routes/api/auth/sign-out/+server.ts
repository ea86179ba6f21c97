import { handle } from '$lib/server/http/endpoint.ts';
import * as auth from '$lib/server/auth/auth.endpoints.ts';

export const POST = handle(auth.signOut);
