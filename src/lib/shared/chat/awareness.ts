import { z } from 'zod';
import { isUuid } from './ids.ts';

/**
 * What a conversation's awareness carries: a person's typing signal, nothing else. The server
 * relays a state only when it has exactly this shape (anything else is dropped, so awareness
 * cannot be used to push arbitrary data to every member) and sets `user` itself from the
 * session, whatever the client claimed.
 */

const uuid = z.string().refine(isUuid, { message: 'must be a lowercase UUID' });

/** Longer than any person's name (at most 100 characters): the server replaces it anyway. */
const MAX_NAME_LENGTH = 200;

/** Someone is typing, since `at` (ms), in a thread or (null) in the conversation itself. */
export const typingSignalSchema = z.strictObject({
	typing: z.literal(true),
	at: z.number().int().min(0).max(8.64e15),
	threadId: uuid.nullable().optional()
});

export const conversationAwarenessSchema = z.strictObject({
	user: z.strictObject({ id: z.string().max(64), name: z.string().max(MAX_NAME_LENGTH) }),
	/** null: the person stopped typing (the last state a tab sends before withdrawing it). */
	typing: typingSignalSchema.nullable()
});

export type TypingSignal = z.infer<typeof typingSignalSchema>;
export type ConversationAwareness = z.infer<typeof conversationAwarenessSchema>;
