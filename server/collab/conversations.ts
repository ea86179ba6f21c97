import type { AppContext } from '#server/app-context.ts';
import type { SessionUser } from '#shared/api/auth.schema.ts';
import type { DocumentKind } from '#shared/chat/document-name.ts';
import type { ChannelAccess, ChannelKind } from '#shared/policy.ts';
import type { ConversationRef } from './context.ts';

/** A conversation as a document name resolved to it, with what the person may do there. */
export interface ResolvedConversation {
	conversation: ConversationRef;
	channelKind: ChannelKind;
	/** When it turns read-only (ms): a project or breakout room's end; null when it does not end. */
	endsAt: number | null;
	headShard: number;
	access: ChannelAccess;
}

/**
 * Finds the object a document name of one kind names. Null when there is none of that kind
 * with that id (the name is refused as an invalid document); throws the service's AppError when
 * there is one but the person may not read it.
 */
type Resolver = (
	app: AppContext,
	user: SessionUser,
	id: string
) => Promise<ResolvedConversation | null>;

/**
 * One resolver per document kind, so that an id is only ever looked up as the kind its name
 * says: a channel id opened as `dm.` or `breakout.` finds nothing, and so writes nothing into
 * that channel's record, search or head shard.
 */
const resolvers: Record<DocumentKind, Resolver> = {
	channel: (app, user, id) =>
		channelRow(app, user, { kind: 'channel', id }, (kind) => kind !== 'dm' && kind !== 'breakout'),
	dm: (app, user, id) => channelRow(app, user, { kind: 'dm', id }, (kind) => kind === 'dm'),
	// A breakout room is a `channels` row of kind 'breakout' (src/lib/server/breakouts/): its
	// participants and creator read it, it turns read-only at its end like a project room.
	breakout: (app, user, id) =>
		channelRow(app, user, { kind: 'breakout', id }, (kind) => kind === 'breakout')
};

export function resolveConversation(
	app: AppContext,
	user: SessionUser,
	conversation: ConversationRef
): Promise<ResolvedConversation | null> {
	return resolvers[conversation.kind](app, user, conversation.id);
}

/**
 * The `channels` row that holds a conversation's message record (`messages.channel_id`), read
 * marks and head shard. Channels, direct conversations and breakout rooms are all rows there,
 * with ids unique across them, and only a name of the row's own kind resolves to it.
 */
export function channelRowId(conversation: ConversationRef): string {
	return conversation.id;
}

async function channelRow(
	app: AppContext,
	user: SessionUser,
	conversation: ConversationRef,
	kindMatches: (kind: ChannelKind) => boolean
): Promise<ResolvedConversation | null> {
	const { channel, access } = await app.channels.access(user, conversation.id);
	if (!kindMatches(channel.kind)) return null;
	return {
		conversation,
		channelKind: channel.kind,
		endsAt: channel.endsAt?.getTime() ?? null,
		headShard: channel.headShard,
		access
	};
}
