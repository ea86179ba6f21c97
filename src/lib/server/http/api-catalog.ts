import * as auth from '../auth/auth.endpoints.ts';
import * as org from '../org/org.endpoints.ts';
import * as people from '../people/people.endpoints.ts';
import * as channels from '../channels/channel.endpoints.ts';
import * as search from '../search/search.endpoints.ts';
import * as files from '../files/file.endpoints.ts';
import * as jobs from '../jobs/job.endpoints.ts';
import * as mail from '../mail/mail.endpoints.ts';
import * as push from '../push/push.endpoints.ts';
import * as notifications from '../notifications/notification.endpoints.ts';
import * as breakouts from '../breakouts/breakout.endpoints.ts';
import * as broadcasts from '../broadcasts/broadcast.endpoints.ts';
import * as dashboard from '../dashboard/dashboard.endpoints.ts';
import * as approvals from '../approvals/approval.endpoints.ts';
import * as retention from '../retention/retention.endpoints.ts';
import * as exports from '../exports/export.endpoints.ts';
import type { apiContracts, OperationName } from '#shared/api/catalog.ts';
import type { Operation } from './endpoint.ts';

/**
 * The server side of every operation of the shared catalogue, under the same name: the type
 * makes a missing one a compile error, and `api-catalog.test.ts` checks that each answers its
 * own contract and that nothing answers a contract the catalogue does not have.
 */
export const apiOperations: { [K in OperationName]: Operation<(typeof apiContracts)[K]> } = {
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
};
