import type { ListedMessage } from '$lib/shared/chat/document-schema.ts';
import { mentionsPerson } from '$lib/shared/chat/mentions.ts';

/**
 * What is unread for the person in one conversation, and which of it mentions them: the
 * counting behind the sidebar's quiet unread and accent mention badges, the tab title and the
 * "New messages" divider. The server counts the same way for channels not loaded here
 * (channel.service.ts `unreadCounts`).
 */

export interface Reader {
	id: string;
	teamId: string | null;
}

export interface MentionScope {
	/** The channel's team (a team channel), else null. */
	channelTeamId: string | null;
	/** A person's team as far as it is known (undefined when not). */
	teamOf: (userId: string) => string | null | undefined;
}

/** Where the person's read mark stands among the loaded messages. */
export interface MarkPlace {
	/** Index of the marked message; -1 when it is not loaded; undefined when there is no mark. */
	position: number | undefined;
	/** When the mark was set (ms). */
	at: number;
}

/** Messages that count as unread: others' top-level messages, not deleted. */
function counts(message: ListedMessage, readerId: string): boolean {
	return message.authorId !== readerId && !message.deleted && message.threadId === null;
}

/**
 * The unread messages, oldest first. After the mark when it is loaded; by acceptance time when
 * the marked message is not (older history); everything loaded when there is no mark.
 */
export function unreadMessages(
	messages: readonly ListedMessage[],
	mark: MarkPlace,
	readerId: string
): ListedMessage[] {
	if (mark.position !== undefined && mark.position >= 0) {
		return messages.slice(mark.position + 1).filter((m) => counts(m, readerId));
	}
	if (mark.position === -1) {
		return messages.filter((m) => counts(m, readerId) && (m.acceptedAt ?? Infinity) > mark.at);
	}
	return messages.filter((m) => counts(m, readerId));
}

/**
 * `@team` names the channel's team; in a channel of no team of its own (a department's) it
 * names the author's team. The person is in it when their team is that one.
 */
export function inMentionedTeam(
	message: Pick<ListedMessage, 'authorId'>,
	reader: Reader,
	scope: MentionScope
): boolean {
	if (reader.teamId === null) return false;
	const team = scope.channelTeamId ?? scope.teamOf(message.authorId) ?? null;
	return team === reader.teamId;
}

/** Whether a message mentions the person: by name, `@channel`, or `@team` of theirs. */
export function mentionsReader(
	message: Pick<ListedMessage, 'authorId' | 'mentions'>,
	reader: Reader,
	scope: MentionScope
): boolean {
	if (message.authorId === reader.id) return false;
	return mentionsPerson(message.mentions, reader.id, {
		sameTeam: message.mentions.includes('team') && inMentionedTeam(message, reader, scope)
	});
}

export interface UnreadCounts {
	unread: number;
	mentions: number;
	/** The oldest unread message (where the "New messages" divider goes), or null. */
	firstUnreadId: string | null;
}

/**
 * Counts for the UI. Without a mark in the loaded history, the server's figures are the floor:
 * it knows of messages not loaded here.
 */
export function countUnread(
	messages: readonly ListedMessage[],
	mark: MarkPlace,
	reader: Reader,
	scope: MentionScope,
	server: { unread: number; mentions: number } = { unread: 0, mentions: 0 }
): UnreadCounts {
	const unread = unreadMessages(messages, mark, reader.id);
	const mentions = unread.filter((m) => mentionsReader(m, reader, scope)).length;
	const firstUnreadId = unread[0]?.id ?? null;
	if (mark.position === undefined) {
		return {
			unread: Math.max(server.unread, unread.length),
			mentions: Math.max(server.mentions, mentions),
			firstUnreadId
		};
	}
	return { unread: unread.length, mentions, firstUnreadId };
}
