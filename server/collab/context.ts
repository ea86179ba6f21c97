import type { SessionUser } from '../../src/lib/server/auth/auth.schema.ts';
import type { ChannelAccess, ChannelKind } from '../../src/lib/shared/policy.ts';

/** What a connection to a conversation's document carries once the auth extension admitted it. */
export interface ChannelContext {
	kind: 'channel';
	user: SessionUser;
	sessionId: string;
	channelId: string;
	channelKind: ChannelKind;
	shard: number;
	/** Updated in place when the person's rights change while connected. */
	access: ChannelAccess;
}

/** A connection to an organization's presence document (presence.extension.ts). */
export interface PresenceContext {
	kind: 'presence';
	user: SessionUser;
	sessionId: string;
	orgId: string;
}

export type CollabContext = ChannelContext | PresenceContext;

/** Close codes the browser acts on: 4401 sign in again, 4403 access lost, 4422 update refused. */
export const closeCodes = {
	unauthenticated: 4401,
	accessRevoked: 4403,
	updateRefused: 4422,
	unavailable: 4503 // our database is out of reach: try again, keep everything
} as const;

export class CollabRefusal extends Error {
	readonly code: number;
	readonly reason: string;
	constructor(code: number, reason: string) {
		super(reason);
		this.code = code;
		this.reason = reason;
	}
}
