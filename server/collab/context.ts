import { logger, type Logger } from '#server/logging/logger.ts';
import type { SessionUser } from '#shared/api/auth.schema.ts';
import type { DocumentKind } from '#shared/chat/document-name.ts';
import type { ChannelAccess, ChannelKind } from '#shared/policy.ts';
import { closeReason, type CloseReasonCode } from '#shared/collab/close-reasons.ts';

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
	/**
	 * Set once the server refused something this connection sent (ingest.extension.ts): it is
	 * being closed, and what it still had queued is dropped without a word. Holds the close
	 * reason's code (close-reasons.ts), which the metrics extension counts the refusal by.
	 */
	refused?: CloseReasonCode;
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
	/**
	 * While the access watcher reads the rights again after a committed change (a channel's
	 * posting rule, the person's role or place): resolves true once `access` is up to date, false
	 * when the reading failed. The ingest waits for it before it judges an update, so that nothing
	 * that arrives after a change is accepted under the rights from before it.
	 */
	rightsReread?: Promise<boolean>;
}

/** A connection to an organization's presence document (presence.extension.ts). */
export interface PresenceContext extends ConnectionBase {
	kind: 'presence';
	orgId: string;
}

/** A connection to a person's own feed (feed.extension.ts). */
export interface FeedContext extends ConnectionBase {
	kind: 'feed';
}

export type CollabContext = ChannelContext | PresenceContext | FeedContext;

/**
 * A refusal to open a document, which the client acts on by its code (close-reasons.ts). Its
 * message is left empty on purpose: Hocuspocus prints the message of every error a hook throws,
 * and a refusal is logged by us instead, once, as a warning (auth.extension.ts).
 */
export class CollabRefusal extends Error {
	override readonly name = 'CollabRefusal';
	/** The WebSocket close code and the reason string, as Hocuspocus sends them on. */
	readonly code: number;
	readonly reason: string;
	readonly reasonCode: CloseReasonCode;
	constructor(reasonCode: CloseReasonCode, text?: string) {
		super();
		const close = closeReason(reasonCode, text);
		this.code = close.code;
		this.reason = close.reason;
		this.reasonCode = reasonCode;
	}
}

/**
 * The refusal of a document while the database is out of reach: never "forbidden", which the
 * client takes for lost access. It keeps its copy and tries again.
 */
export function unavailable(error: unknown): CollabRefusal {
	logger.warn({ err: error }, 'database unavailable: a document could not be opened');
	return new CollabRefusal('unavailable');
}
