import organizationsPeopleSessions from './001-organizations-people-sessions.ts';
import channelsDocumentsMessages from './002-channels-documents-messages.ts';
import messageSearch from './003-message-search.ts';
import signInAddressesJoinCodes from './004-sign-in-addresses-join-codes.ts';

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
	{ version: 4, name: 'sign-in-addresses-join-codes', sql: signInAddressesJoinCodes }
];
