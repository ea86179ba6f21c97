import organizationsPeopleSessions from './001-organizations-people-sessions.ts';
import channelsDocumentsMessages from './002-channels-documents-messages.ts';
import messageSearch from './003-message-search.ts';
import signInAddressesJoinCodes from './004-sign-in-addresses-join-codes.ts';
import personFeeds from './005-person-feeds.ts';
import files from './006-files.ts';
import notifications from './007-notifications.ts';
import mailPush from './008-mail-push.ts';
import awayDelivery from './009-away-delivery.ts';
import emailBatchDefault from './010-email-batch-default.ts';
import breakoutRooms from './011-breakout-rooms.ts';
import broadcasts from './012-broadcasts.ts';
import activityRollup from './013-activity-rollup.ts';
import approvalRequests from './014-approval-requests.ts';
import retention from './015-retention.ts';
import complianceExports from './016-exports.ts';
import approvalRequestNotifications from './017-approval-request-notifications.ts';

export interface Migration {
	version: number;
	name: string;
	sql: string;
}

/** Append only: a migration that has shipped is never edited. */
export const migrations: Migration[] = [
	{ version: 1, name: 'organizations-people-sessions', sql: organizationsPeopleSessions },
	{ version: 2, name: 'channels-documents-messages', sql: channelsDocumentsMessages },
	{ version: 3, name: 'message-search', sql: messageSearch },
	{ version: 4, name: 'sign-in-addresses-join-codes', sql: signInAddressesJoinCodes },
	{ version: 5, name: 'person-feeds', sql: personFeeds },
	{ version: 6, name: 'files', sql: files },
	{ version: 7, name: 'notifications', sql: notifications },
	{ version: 8, name: 'mail-push', sql: mailPush },
	{ version: 9, name: 'away-delivery', sql: awayDelivery },
	{ version: 10, name: 'email-batch-default', sql: emailBatchDefault },
	{ version: 11, name: 'breakout-rooms', sql: breakoutRooms },
	{ version: 12, name: 'broadcasts', sql: broadcasts },
	{ version: 13, name: 'activity-rollup', sql: activityRollup },
	{ version: 14, name: 'approval-requests', sql: approvalRequests },
	{ version: 15, name: 'retention', sql: retention },
	{ version: 16, name: 'exports', sql: complianceExports },
	{
		version: 17,
		name: 'approval-request-notifications',
		sql: approvalRequestNotifications
	}
];
