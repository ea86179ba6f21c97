import * as Y from 'yjs';
import { parseEntryKey, parseServerKey, parseUserRoot, READ_KEY, userRoot } from './keys.ts';
import { serverArea } from './server-area.ts';
import {
	type Attachment,
	type Mention,
	type MessageValue,
	messageValueSchema,
	type Moderation,
	type ReadMark,
	readMarkSchema,
	serverValueProblem
} from './values.ts';

/**
 * Reading a channel document: everyone's maps merged into one list in one order. Values are
 * checked on the way out too, so that a malformed value from anywhere shows as nothing rather
 * than breaking the list.
 */

export interface ListedReaction {
	emoji: string;
	userIds: string[];
}

export interface ListedMessage {
	authorId: string;
	id: string;
	text: string;
	createdAt: number;
	/** Server time of acceptance; null while the message is pending (not acknowledged yet). */
	acceptedAt: number | null;
	threadId: string | null;
	mentions: Mention[];
	attachments: Attachment[];
	editedAt: number | null;
	deleted: boolean;
	moderation: Moderation | null;
	version: number;
	reactions: ListedReaction[];
}

interface ServerFacts {
	accepted: Map<string, number>;
	moderated: Map<string, Moderation>;
}

const messageRef = (authorId: string, messageId: string) => `${authorId}/${messageId}`;

/** Ids of the people who have a map in the document. */
export function authorIds(doc: Y.Doc): string[] {
	const ids: string[] = [];
	for (const name of doc.share.keys()) {
		const userId = parseUserRoot(name);
		if (userId) ids.push(userId);
	}
	return ids.sort();
}

function serverFacts(doc: Y.Doc): ServerFacts {
	const facts: ServerFacts = { accepted: new Map(), moderated: new Map() };
	serverArea(doc).forEach((value, key) => {
		const parsed = parseServerKey(key);
		if (!parsed || serverValueProblem(parsed, value)) return;
		if (parsed.kind === 'accepted') {
			facts.accepted.set(messageRef(parsed.authorId, parsed.messageId), value as number);
		} else if (parsed.kind === 'moderated') {
			facts.moderated.set(messageRef(parsed.authorId, parsed.messageId), value as Moderation);
		}
	});
	return facts;
}

/** messageId → emoji → people. Message ids are unique in a document (the server sees to it). */
function collectReactions(doc: Y.Doc, authors: string[]): Map<string, Map<string, string[]>> {
	const byMessage = new Map<string, Map<string, string[]>>();
	for (const authorId of authors) {
		for (const [key, value] of doc.getMap<unknown>(userRoot(authorId)).entries()) {
			const parsed = parseEntryKey(key);
			if (parsed?.kind !== 'reaction' || value !== true) continue;
			const byEmoji = byMessage.get(parsed.messageId) ?? new Map<string, string[]>();
			byMessage.set(
				parsed.messageId,
				byEmoji.set(parsed.emoji, [...(byEmoji.get(parsed.emoji) ?? []), authorId])
			);
		}
	}
	return byMessage;
}

function listedReactions(byEmoji: Map<string, string[]> | undefined): ListedReaction[] {
	if (!byEmoji) return [];
	return [...byEmoji]
		.map(([emoji, userIds]) => ({ emoji, userIds: userIds.sort() }))
		.sort((a, b) => (a.emoji < b.emoji ? -1 : a.emoji > b.emoji ? 1 : 0));
}

function listed(authorId: string, value: MessageValue, facts: ServerFacts): ListedMessage {
	const ref = messageRef(authorId, value.id);
	return {
		authorId,
		id: value.id,
		text: value.text,
		createdAt: value.createdAt,
		acceptedAt: facts.accepted.get(ref) ?? null,
		threadId: value.threadId ?? null,
		mentions: value.mentions,
		attachments: value.attachments ?? [],
		editedAt: value.editedAt ?? null,
		deleted: value.deleted === true,
		moderation: facts.moderated.get(ref) ?? null,
		version: value.version,
		reactions: []
	};
}

/**
 * A moderated message shows as "message deleted" whether or not its author's copy is still
 * there (the moderator's deletion and the server's record may arrive in either order).
 */
function moderatedTombstone(
	ref: string,
	moderation: Moderation,
	facts: ServerFacts,
	original: MessageValue | undefined
): ListedMessage {
	const [authorId = '', id = ''] = ref.split('/');
	const createdAt = original?.createdAt ?? facts.accepted.get(ref) ?? moderation.at;
	const value: MessageValue = { id, text: '', createdAt, mentions: [], version: 1 };
	return { ...listed(authorId, value, facts), threadId: original?.threadId ?? null, deleted: true };
}

/**
 * Accepted messages by server time, then pending ones; ties by client time, then id, then
 * author. Every input is in the document, so every copy of it gives the same order.
 */
export function compareMessages(a: ListedMessage, b: ListedMessage): number {
	const acceptedA = a.acceptedAt ?? Number.POSITIVE_INFINITY;
	const acceptedB = b.acceptedAt ?? Number.POSITIVE_INFINITY;
	if (acceptedA !== acceptedB) return acceptedA < acceptedB ? -1 : 1;
	if (a.createdAt !== b.createdAt) return a.createdAt - b.createdAt;
	if (a.id !== b.id) return a.id < b.id ? -1 : 1;
	return a.authorId < b.authorId ? -1 : a.authorId > b.authorId ? 1 : 0;
}

export function listMessages(doc: Y.Doc): ListedMessage[] {
	const authors = authorIds(doc);
	const facts = serverFacts(doc);
	const reactions = collectReactions(doc, authors);
	const messages: ListedMessage[] = [];
	const moderatedOriginals = new Map<string, MessageValue>();
	for (const authorId of authors) {
		for (const [key, value] of doc.getMap<unknown>(userRoot(authorId)).entries()) {
			if (parseEntryKey(key)?.kind !== 'message') continue;
			const parsed = messageValueSchema.safeParse(value);
			if (!parsed.success) continue;
			const ref = messageRef(authorId, parsed.data.id);
			if (facts.moderated.has(ref)) moderatedOriginals.set(ref, parsed.data);
			else messages.push(listed(authorId, parsed.data, facts));
		}
	}
	for (const [ref, moderation] of facts.moderated) {
		messages.push(moderatedTombstone(ref, moderation, facts, moderatedOriginals.get(ref)));
	}
	for (const message of messages) message.reactions = listedReactions(reactions.get(message.id));
	return messages.sort(compareMessages);
}

/** Each person's last-read marker ("seen by", unread counts). */
export function readMarks(doc: Y.Doc): Map<string, ReadMark> {
	const marks = new Map<string, ReadMark>();
	for (const authorId of authorIds(doc)) {
		const parsed = readMarkSchema.safeParse(doc.getMap<unknown>(userRoot(authorId)).get(READ_KEY));
		if (parsed.success) marks.set(authorId, parsed.data);
	}
	return marks;
}
