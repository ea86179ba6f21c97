import { z } from 'zod';
import { multiLineText, singleLineText } from '../text.ts';
import { isUuid } from './ids.ts';
import type { EntryKey, ServerKey } from './keys.ts';
import {
	MAX_ATTACHMENT_NAME_LENGTH,
	MAX_ATTACHMENTS_PER_MESSAGE,
	MAX_MENTIONS_PER_MESSAGE,
	MAX_MESSAGE_TEXT_LENGTH,
	MAX_MIME_TYPE_LENGTH,
	MAX_VALUE_DEPTH
} from './limits.ts';

/**
 * The values stored in a channel document. Objects are strict (unknown fields refused) so that
 * a client cannot smuggle data the others do not expect, and so that documents stay small.
 */

const uuid = z.string().refine(isUuid, { message: 'must be a lowercase UUID' });

/** Milliseconds since the epoch, within the range of a JavaScript Date. */
const timestamp = z.number().int().min(0).max(8.64e15);

/** A person, or a group mention of everyone in the channel or in its team. */
export const mentionSchema = z.union([uuid, z.literal('channel'), z.literal('team')]);

export const attachmentSchema = z.strictObject({
	id: uuid,
	name: singleLineText().min(1).max(MAX_ATTACHMENT_NAME_LENGTH),
	size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
	mimeType: z.string().min(1).max(MAX_MIME_TYPE_LENGTH),
	kind: z.enum(['image', 'file', 'voice']),
	width: z.number().int().positive().optional(),
	height: z.number().int().positive().optional(),
	durationMs: z.number().int().min(0).optional(),
	/** A voice message's loudness, about 64 peaks of 0–255 as base64url (files.schema.ts). */
	waveform: z
		.string()
		.max(88)
		.regex(/^[A-Za-z0-9_-]*$/)
		.optional()
});

export const messageValueSchema = z
	.strictObject({
		id: uuid,
		/** No control or bidi-override characters: the record could not store NUL, and the rest
		 * garble or disguise what others read (src/lib/shared/text.ts). */
		text: multiLineText().max(MAX_MESSAGE_TEXT_LENGTH),
		/** The sender's clock: shown, and orders messages the server has not accepted yet. */
		createdAt: timestamp,
		/** The message this one replies to in a thread. */
		threadId: uuid.nullable().optional(),
		mentions: z.array(mentionSchema).max(MAX_MENTIONS_PER_MESSAGE),
		attachments: z.array(attachmentSchema).max(MAX_ATTACHMENTS_PER_MESSAGE).optional(),
		editedAt: timestamp.optional(),
		deleted: z.literal(true).optional(),
		/** 1 when posted, +1 for every edit or deletion: tells versions apart in the history. */
		version: z.number().int().min(1).max(1_000_000_000)
	})
	.superRefine((message, ctx) => {
		const hasFiles = (message.attachments?.length ?? 0) > 0;
		if (message.deleted && (message.text !== '' || hasFiles || message.mentions.length > 0)) {
			// A deletion that kept its content would defeat "delete": the tombstone is empty.
			ctx.addIssue({ code: 'custom', message: 'a deleted message keeps no content' });
		}
		if (!message.deleted && message.text === '' && !hasFiles) {
			ctx.addIssue({ code: 'custom', message: 'a message needs text or a file' });
		}
		if (message.threadId === message.id) {
			ctx.addIssue({ code: 'custom', message: 'a message cannot reply to itself' });
		}
	});

export const readMarkSchema = z.strictObject({ messageId: uuid, at: timestamp });

export const moderationSchema = z.strictObject({ by: uuid, at: timestamp });

export type Attachment = z.infer<typeof attachmentSchema>;
export type Mention = z.infer<typeof mentionSchema>;
export type MessageValue = z.infer<typeof messageValueSchema>;
export type ReadMark = z.infer<typeof readMarkSchema>;
export type Moderation = z.infer<typeof moderationSchema>;

/**
 * Only what JSON can say, nested at most MAX_VALUE_DEPTH deep. Yjs can also carry undefined,
 * bigint, binary and objects with a `__proto__` key (which the decoder turns into a prototype,
 * letting inherited fields pass a schema); none of those belong in a message.
 */
export function isPlainJson(value: unknown, depth = 0): boolean {
	if (depth > MAX_VALUE_DEPTH) return false;
	if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
	if (typeof value === 'number') return Number.isFinite(value);
	if (Array.isArray(value)) return value.every((item) => isPlainJson(item, depth + 1));
	if (typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false;
	return Object.values(value).every((item) => isPlainJson(item, depth + 1));
}

function problemOf(schema: z.ZodType, value: unknown): string | null {
	const result = schema.safeParse(value);
	if (result.success) return null;
	const issue = result.error.issues[0];
	return issue ? `${issue.path.join('.') || 'value'}: ${issue.message}` : 'invalid value';
}

/** Why `value` may not be stored under `key` in a person's map, or null when it may. */
export function entryValueProblem(key: EntryKey, value: unknown): string | null {
	if (!isPlainJson(value)) return 'not a plain JSON value';
	if (key.kind === 'reaction') return value === true ? null : 'a reaction is stored as true';
	if (key.kind === 'read') return problemOf(readMarkSchema, value);
	const problem = problemOf(messageValueSchema, value);
	if (problem) return problem;
	return (value as MessageValue).id === key.messageId ? null : 'message id differs from its key';
}

const serverValueSchemas = {
	accepted: timestamp,
	moderated: moderationSchema,
	archived: z.boolean(),
	schemaVersion: z.number().int().min(1),
	nextShard: z.number().int().min(1),
	retention: timestamp
} as const;

/** The server writes its own map, but readers still check what they read. */
export function serverValueProblem(key: ServerKey, value: unknown): string | null {
	return problemOf(serverValueSchemas[key.kind], value);
}
