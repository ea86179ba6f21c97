import * as auth from './auth.ts';
import * as channels from './channels.ts';
import * as org from './org.ts';
import * as people from './people.ts';
import * as search from './search.ts';
import type { ApiContract } from './contract.ts';

/**
 * Every HTTP API operation by name, in the order the API reference lists them. The server's
 * dispatcher routes requests by it, the OpenAPI document is generated from it.
 */
export const apiContracts = {
	...auth,
	...org,
	...people,
	...channels,
	...search
} as const satisfies Record<string, ApiContract>;

export type OperationName = keyof typeof apiContracts;
