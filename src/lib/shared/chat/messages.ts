import * as Y from 'yjs';
import { newId } from './ids.ts';
import {
	type EntryKey,
	messageKey,
	parseEntryKey,
	reactionKey,
	reactionPrefix,
	READ_KEY,
	userRoot
} from './keys.ts';
import { MAX_REACTIONS_PER_MESSAGE } from './limits.ts';
import {
	type Attachment,
	entryValueProblem,
	type Mention,
	type MessageValue,
	messageValueSchema
} from './values.ts';
import { withoutForbiddenCharacters } from '../text.ts';

/**
 * What a person does to a channel document. Each writes only in the person's own map and checks
 * its value against the same schema as the server, so the UI never produces an update that the
 * server would refuse (a refused update costs the client its local copy).
 */

export interface PostInput {
	id?: string;
	text: string;
	threadId?: string | null;
	mentions?: Mention[];
	attachments?: Attachment[];
	now?: number;
}

export interface EditInput {
	text: string;
	mentions?: Mention[];
	now?: number;
}

function ownMap(doc: Y.Doc, userId: string): Y.Map<unknown> {
	return doc.getMap<unknown>(userRoot(userId));
}

/** Yjs would store `undefined` fields, which the schema refuses: drop them. */
function compact<T extends object>(value: T): T {
	return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function write(doc: Y.Doc, userId: string, key: string, entry: EntryKey, value: unknown): void {
	const problem = entryValueProblem(entry, value);
	if (problem) throw new TypeError(`refusing to write ${key}: ${problem}`);
	ownMap(doc, userId).set(key, value);
}

/** A message as its author's map holds it, or null (never posted, removed, or malformed). */
export function getMessage(doc: Y.Doc, authorId: string, messageId: string): MessageValue | null {
	const parsed = messageValueSchema.safeParse(ownMap(doc, authorId).get(messageKey(messageId)));
	return parsed.success ? parsed.data : null;
}

/**
 * When the author's next message in this document is created: now, and after their latest one.
 * Messages accepted in the same millisecond are ordered by this time (compareMessages), then
 * by their random ids, so two sent within one millisecond (by a script, a paste of several)
 * would otherwise show in either order, and a read mark set on the first could cover both.
 */
function nextCreatedAt(own: Y.Map<unknown>): number {
	let latest = 0;
	for (const [key, value] of own.entries()) {
		if (parseEntryKey(key)?.kind !== 'message') continue;
		const createdAt = (value as { createdAt?: unknown } | null)?.createdAt;
		if (typeof createdAt === 'number' && createdAt > latest) latest = createdAt;
	}
	return Math.max(Date.now(), latest + 1);
}

export function postMessage(doc: Y.Doc, userId: string, input: PostInput): MessageValue {
	const id = input.id ?? newId();
	const key = messageKey(id);
	const own = ownMap(doc, userId);
	if (own.has(key)) throw new TypeError(`message ${id} already exists`);
	const value = compact<MessageValue>({
		id,
		text: withoutForbiddenCharacters(input.text, 'multi'),
		createdAt: input.now ?? nextCreatedAt(own),
		threadId: input.threadId ?? undefined,
		mentions: input.mentions ?? [],
		attachments: input.attachments?.length ? input.attachments : undefined,
		version: 1
	});
	write(doc, userId, key, { kind: 'message', messageId: id }, value);
	return value;
}

function current(doc: Y.Doc, userId: string, messageId: string): MessageValue {
	const message = getMessage(doc, userId, messageId);
	if (!message || message.deleted) throw new TypeError(`no message ${messageId} to change`);
	return message;
}

/** An edit replaces the whole value: values are plain JSON, not nested shared types. */
export function editMessage(
	doc: Y.Doc,
	userId: string,
	messageId: string,
	edit: EditInput
): MessageValue {
	const before = current(doc, userId, messageId);
	const value = compact<MessageValue>({
		...before,
		text: withoutForbiddenCharacters(edit.text, 'multi'),
		mentions: edit.mentions ?? before.mentions,
		editedAt: edit.now ?? Date.now(),
		version: before.version + 1
	});
	write(doc, userId, messageKey(messageId), { kind: 'message', messageId }, value);
	return value;
}

/**
 * Leaves an empty tombstone so that everyone sees "message deleted" in place and thread replies
 * keep their parent; the content is gone from the document (Yjs drops replaced values).
 */
export function deleteMessage(
	doc: Y.Doc,
	userId: string,
	messageId: string,
	now = Date.now()
): MessageValue {
	const before = current(doc, userId, messageId);
	const value = compact<MessageValue>({
		id: before.id,
		text: '',
		createdAt: before.createdAt,
		threadId: before.threadId ?? undefined,
		mentions: [],
		editedAt: now,
		deleted: true,
		version: before.version + 1
	});
	write(doc, userId, messageKey(messageId), { kind: 'message', messageId }, value);
	return value;
}

/** The emoji one person has put on one message. */
export function ownReactions(doc: Y.Doc, userId: string, messageId: string): string[] {
	const prefix = reactionPrefix(messageId);
	const emoji: string[] = [];
	for (const key of ownMap(doc, userId).keys()) {
		const parsed = key.startsWith(prefix) ? parseEntryKey(key) : null;
		if (parsed?.kind === 'reaction') emoji.push(parsed.emoji);
	}
	return emoji;
}

export function react(doc: Y.Doc, userId: string, messageId: string, emoji: string): void {
	const key = reactionKey(messageId, emoji);
	if (ownMap(doc, userId).has(key)) return;
	if (ownReactions(doc, userId, messageId).length >= MAX_REACTIONS_PER_MESSAGE) {
		throw new TypeError(`at most ${MAX_REACTIONS_PER_MESSAGE} reactions per message`);
	}
	write(doc, userId, key, { kind: 'reaction', messageId, emoji }, true);
}

export function unreact(doc: Y.Doc, userId: string, messageId: string, emoji: string): void {
	ownMap(doc, userId).delete(reactionKey(messageId, emoji));
}

/** The person has read up to and including `messageId`. */
export function markRead(doc: Y.Doc, userId: string, messageId: string, now = Date.now()): void {
	write(doc, userId, READ_KEY, { kind: 'read' }, { messageId, at: now });
}

/**
 * A moderator removes another person's message. The server's guard lets this deletion through
 * for moderators only and records it in the server's map, which keeps the message deleted.
 */
export function moderateDelete(doc: Y.Doc, authorId: string, messageId: string): void {
	ownMap(doc, authorId).delete(messageKey(messageId));
}
