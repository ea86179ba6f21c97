import type { Logger } from '../../src/lib/server/logging/logger.ts';
import type { SessionUser } from '../../src/lib/shared/api/auth.schema.ts';
import type { DocumentKind } from '../../src/lib/shared/chat/document-name.ts';
import type { ChannelAccess, ChannelKind } from '../../src/lib/shared/policy.ts';

/**
 * The conversation a document's name resolved to (conversations.ts), by the name's own kind:
 * a `channel.` name only ever resolves to a channel, a `dm.` name to a direct conversation. The
 * document's message record, its search entries and its head shard belong to this, never to a
 * bare id that another kind could share.
 */
export interface ConversationRef {
	kind: DocumentKind;
	id: string;
}

/** What every admitted connection carries: who, and its own log with the connection's id. */
interface ConnectionBase {
	user: SessionUser;
	sessionId: string;
	/** Names this connection (one document on one socket) in the log. */
	connectionId: string;
	/** The structured logger, with the connection id, the person and the document. */
	log: Logger;
}

/** What a connection to a conversation's document carries once the auth extension admitted it. */
export interface ChannelContext extends ConnectionBase {
	kind: 'channel';
	conversation: ConversationRef;
	/** The kind of channel, for the policy (project rooms end, announcements...). */
	channelKind: ChannelKind;
	/** When the conversation turns read-only (ms), or null: a project room's end. */
	endsAt: number | null;
	shard: number;
	/** Updated in place when the person's rights change while connected. */
	access: ChannelAccess;
}

/** A connection to an organization's presence document (presence.extension.ts). */
export interface PresenceContext extends ConnectionBase {
	kind: 'presence';
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

/**
 * A refusal the client acts on by its reason. Its message is left empty on purpose: Hocuspocus
 * prints the message of every error a hook throws, and a refusal is logged by us instead, once,
 * as a warning of the connection (auth.extension.ts).
 */
export class CollabRefusal extends Error {
	override readonly name = 'CollabRefusal';
	readonly code: number;
	readonly reason: string;
	constructor(code: number, reason: string) {
		super();
		this.code = code;
		this.reason = reason;
	}
}

/** The stable part of a refusal's reason ("refused", "resync", "invalid-document"...). */
export function reasonCode(reason: string): string {
	const colon = reason.indexOf(':');
	return colon === -1 ? reason : reason.slice(0, colon);
}
