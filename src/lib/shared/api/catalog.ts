import * as auth from './auth.ts';
import * as channels from './channels.ts';
import * as org from './org.ts';
import * as people from './people.ts';
import * as search from './search.ts';
import * as files from './files.ts';
import * as jobs from './jobs.ts';
import * as mail from './mail.ts';
import * as push from './push.ts';
import * as notifications from './notifications.ts';
import * as breakouts from './breakouts.ts';
import * as broadcasts from './broadcasts.ts';
import * as dashboard from './dashboard.ts';
import * as approvals from './approvals.ts';
import * as retention from './retention.ts';
import * as exports from './exports.ts';
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
	...breakouts,
	...broadcasts,
	...files,
	...search,
	...jobs,
	...mail,
	...push,
	...notifications,
	...dashboard,
	...approvals,
	...retention,
	...exports
} as const satisfies Record<string, ApiContract>;

export type OperationName = keyof typeof apiContracts;
