import { z } from 'zod';
import { ownedDocumentName, parseOwnedDocumentName } from '../chat/ids.ts';
import { parseJsonAs } from '../chat/presence.ts';
import { roles } from '../roles.ts';
import { notificationSchema } from '../api/notifications.schema.ts';
import { broadcastSchema } from '../api/broadcasts.schema.ts';

/**
 * Each person's live feed: every change to their world (a conversation they join or leave, a
 * rename, a topic, a posting rule, their own role or place, a colleague deactivated), in the
 * order it happened, each with a per-person `seq` that only grows.
 *
 * It travels over the collaboration socket on a document of its own, `feed.<userId>`, that only
 * that person may open and that holds no content (every update is refused): the server sends
 * the events as stateless messages (`FeedMessage`), and the client says from where it wants
 * them (`FeedRequest`) after every (re)connection, so that it catches up on what it missed. When
 * what it missed is no longer kept, the server answers `reset`: the client reads everything
 * again and continues from the seq given.
 *
 * The kinds are open: a client reads the envelope of every event (so it always advances its
 * seq) and the data only of the kinds it knows (`readFeedEvent`); a kind added later (the
 * notifications) is ignored by an older client instead of breaking its feed.
 */

export const FEED_PREFIX = 'feed';

export function feedDocumentName(userId: string): string {
	return ownedDocumentName(FEED_PREFIX, userId, 'user');
}

/** The person of a feed document's name, or null when it is not one. */
export function parseFeedDocumentName(name: unknown): string | null {
	return parseOwnedDocumentName(FEED_PREFIX, name);
}

const channelId = z.uuid();

/**
 * Why a conversation left someone's list: they left it, someone removed them, or their role or
 * place changed (a team move). Screens tell the first two apart from an unexpected loss.
 */
export const removalReasons = ['left', 'removed', 'moved'] as const;
export type RemovalReason = (typeof removalReasons)[number];

/** The data of each kind of event this version knows. */
export const feedEventData = {
	/** The person can now see a conversation (invited, a new DM, placed in a team). */
	'conversation.added': z.strictObject({ channelId }),
	/** The person can no longer see a conversation: it leaves their screens at once. */
	'conversation.removed': z.strictObject({
		channelId,
		// Absent in events stored before it was added: read as 'removed'.
		why: z.enum(removalReasons).optional()
	}),
	/** A conversation they see changed: only the fields that changed are present. */
	'conversation.changed': z.strictObject({
		channelId,
		name: z.string().optional(),
		topic: z.string().optional(),
		postPolicy: z.enum(['members', 'moderators']).optional(),
		archived: z.boolean().optional()
	}),
	/** Their own role or place in the organization changed. */
	'self.changed': z.strictObject({
		role: z.enum(roles),
		departmentId: z.uuid().nullable(),
		teamId: z.uuid().nullable()
	}),
	/** Someone they share a conversation with was deactivated. */
	'person.deactivated': z.strictObject({ personId: z.uuid() }),
	/** A new notification for the person (src/lib/server/notifications/). */
	'notification.created': z.strictObject({ notification: notificationSchema }),
	/** Notifications of the person that were read, on whichever device: read everywhere. */
	'notification.read': z.strictObject({ ids: z.array(z.uuid()).max(1000) }),
	/**
	 * A breakout room the person is in got a new end (extended, or ended early): every
	 * countdown changes at once. `serverNow` is the server's clock when it was told.
	 */
	'breakout.changed': z.strictObject({
		breakoutId: z.uuid(),
		parentId: z.uuid(),
		endsAt: z.iso.datetime({ offset: true }),
		serverNow: z.iso.datetime({ offset: true })
	}),
	/** A breakout room the person is in ends in `minutesLeft` minutes (5, then 1). */
	'breakout.warning': z.strictObject({
		breakoutId: z.uuid(),
		parentId: z.uuid(),
		minutesLeft: z.number().int().positive(),
		endsAt: z.iso.datetime({ offset: true })
	}),
	/**
	 * A breakout room the person is in has ended: their screen returns to the parent channel
	 * (with a notice); the room stays readable as its transcript.
	 */
	'breakout.ended': z.strictObject({ breakoutId: z.uuid(), parentId: z.uuid() }),
	/**
	 * An emergency broadcast the person must acknowledge (src/lib/server/broadcasts/): a banner
	 * on every screen until they do; sent again as a reminder while they have not.
	 */
	'broadcast.sent': z.strictObject({ broadcast: broadcastSchema }),
	/** The person acknowledged a broadcast (on some device): its banner goes everywhere. */
	'broadcast.acknowledged': z.strictObject({ broadcastId: z.uuid() }),
	/** For a broadcast's sender: how many of its recipients have acknowledged so far. */
	'broadcast.progress': z.strictObject({
		broadcastId: z.uuid(),
		total: z.number().int().nonnegative(),
		acknowledged: z.number().int().nonnegative()
	}),
	/**
	 * An approval request the person decides, or asked for, was made or decided
	 * (src/lib/server/approvals/): the page's data (the Approvals badge, the lists) is read again.
	 */
	'approvals.changed': z.strictObject({ requestId: z.uuid() })
} as const;

export type FeedEventKind = keyof typeof feedEventData;

/** What a service appends for a person: one known kind and its data. */
export type FeedEventBody = {
	[K in FeedEventKind]: { kind: K; data: z.infer<(typeof feedEventData)[K]> };
}[FeedEventKind];

/** An event as it travels: the envelope of any kind, known or not. */
export const feedEnvelopeSchema = z.strictObject({
	seq: z.number().int().positive(),
	at: z.iso.datetime({ offset: true }),
	kind: z.string().min(1).max(64),
	data: z.unknown()
});
export type FeedEnvelope = z.infer<typeof feedEnvelopeSchema>;

/** An event of a kind this version knows, with its data read. */
export type FeedEvent = FeedEventBody & { seq: number; at: string };

/** The event of an envelope, or null for a kind this version does not know (or bad data). */
export function readFeedEvent(envelope: FeedEnvelope): FeedEvent | null {
	if (!Object.hasOwn(feedEventData, envelope.kind)) return null;
	const kind = envelope.kind as FeedEventKind;
	const parsed = feedEventData[kind].safeParse(envelope.data);
	if (!parsed.success) return null;
	return { seq: envelope.seq, at: envelope.at, kind, data: parsed.data } as FeedEvent;
}

/** Client → server, after every (re)connection: send what came after `after` (0: everything). */
export const feedRequestSchema = z.strictObject({ after: z.number().int().nonnegative() });
export type FeedRequest = z.infer<typeof feedRequestSchema>;

/** Server → client: events in order, or "read everything again and go on from `seq`". */
export const feedMessageSchema = z.discriminatedUnion('type', [
	z.strictObject({ type: z.literal('events'), events: z.array(feedEnvelopeSchema) }),
	z.strictObject({ type: z.literal('reset'), seq: z.number().int().nonnegative() })
]);
export type FeedMessage = z.infer<typeof feedMessageSchema>;

export const parseFeedRequest = (text: string): FeedRequest | null =>
	parseJsonAs(feedRequestSchema, text, 200);

export const parseFeedMessage = (text: string): FeedMessage | null =>
	parseJsonAs(feedMessageSchema, text, Number.POSITIVE_INFINITY);
