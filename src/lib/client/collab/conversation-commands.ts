import {
	deleteMessage,
	editMessage,
	getMessage,
	markRead,
	MAX_MESSAGE_TEXT_LENGTH,
	moderateDelete,
	ownReactions,
	postMessage,
	react,
	unreact,
	type Attachment,
	type Mention
} from '$lib/shared/chat/document-schema.ts';
import type { ConversationAccess } from './conversation-access.svelte.ts';
import type { ConversationShards } from './conversation-shards.svelte.ts';
import type { ConversationView } from './conversation-view.svelte.ts';
import type { ConversationTyping } from './typing.svelte.ts';
import { Wired } from '#shared/wired.ts';

/**
 * The person's writes to one conversation: post, reply, edit, delete, react, mark as read.
 * Each goes through the shared document-schema helpers, into the person's own map only (a
 * moderator's delete into the author's), and only when the person's rights allow it now: a
 * refused update costs the local copy of that document. The view is recomputed at once, so the
 * change shows in the same frame.
 */
export class ConversationCommands extends Wired<{
	user: { id: string; name: string };
	shards: ConversationShards;
	view: ConversationView;
	access: ConversationAccess;
	typing: ConversationTyping;
}>() {
	/** Posts a message (or a thread reply), with the files uploaded for it; returns its id. */
	send(
		text: string,
		options: {
			threadId?: string | null;
			mentions?: Mention[];
			attachments?: Attachment[];
			/** Chosen in advance by a message that waited offline: it cannot be posted twice. */
			id?: string;
		} = {}
	): string {
		const body = text.trim();
		const attachments = options.attachments ?? [];
		if (!this.access.canPost()) throw new Error('You cannot post in this conversation.');
		if (body.length === 0 && attachments.length === 0) {
			throw new Error('A message needs some text or a file.');
		}
		if (body.length > MAX_MESSAGE_TEXT_LENGTH) {
			throw new Error(`A message has at most ${MAX_MESSAGE_TEXT_LENGTH} characters.`);
		}
		const head = this.shards.writableHead();
		const value = postMessage(head.doc, this.user.id, {
			id: options.id,
			text: body,
			threadId: options.threadId ?? null,
			mentions: options.mentions ?? [],
			attachments
		});
		this.typing.set(false);
		this.view.flushNow();
		this.markRead();
		return value.id;
	}

	reply(threadId: string, text: string, mentions: Mention[] = []): string {
		return this.send(text, { threadId, mentions });
	}

	/** Posts a voice message: the upload's answer as the message's only attachment, no text. */
	sendVoice(attachment: Attachment, threadId: string | null = null): string {
		if (!this.access.canPost()) throw new Error('You cannot post in this conversation.');
		if (attachment.kind !== 'voice') throw new Error('That is not a voice message.');
		return this.send('', { threadId, attachments: [attachment] });
	}

	edit(messageId: string, text: string, mentions?: Mention[]): void {
		const body = text.trim();
		if (!this.access.canPost()) throw new Error('You cannot edit messages here.');
		if (body.length > MAX_MESSAGE_TEXT_LENGTH) {
			throw new Error(`A message has at most ${MAX_MESSAGE_TEXT_LENGTH} characters.`);
		}
		const shard = this.shards.shardOf(messageId);
		const current = shard ? getMessage(shard.doc, this.user.id, messageId) : null;
		if (!shard || !current || current.deleted) throw new Error('That message cannot be edited.');
		// Its files stay: a message of files may lose its caption, one of text only may not.
		if (body.length === 0 && !current.attachments?.length) {
			throw new Error('A message needs some text.');
		}
		if (current.text === body) return;
		editMessage(shard.doc, this.user.id, messageId, { text: body, mentions });
		this.view.flushNow();
	}

	/** Deletes one's own message, or (for moderators) someone else's. */
	delete(messageId: string): void {
		const message = this.view.message(messageId);
		const shard = this.shards.shardOf(messageId);
		if (!message || !shard || message.deleted) return;
		if (message.authorId === this.user.id) {
			if (!this.access.canPost()) throw new Error('You cannot delete messages here.');
			deleteMessage(shard.doc, this.user.id, messageId);
		} else {
			if (!this.access.canModerate()) {
				throw new Error('Only moderators delete other people’s messages.');
			}
			moderateDelete(shard.doc, message.authorId, messageId);
		}
		this.view.flushNow();
	}

	/** Adds or removes one's own reaction. */
	toggleReaction(messageId: string, emoji: string): void {
		if (!this.access.canReact()) throw new Error('You cannot react in this conversation.');
		const shard = this.shards.shardOf(messageId);
		if (!shard) return;
		if (ownReactions(shard.doc, this.user.id, messageId).includes(emoji)) {
			unreact(shard.doc, this.user.id, messageId, emoji);
		} else {
			react(shard.doc, this.user.id, messageId, emoji);
		}
		this.view.flushNow();
	}

	/**
	 * Marks everything loaded as read (the last message): after sending, where one has plainly
	 * seen the conversation. Writes only when the mark moves forward.
	 */
	markRead(): void {
		const messages = this.view.messages;
		const last = messages.findLast((m) => m.acceptedAt !== null) ?? messages.at(-1);
		if (last) this.markReadUpTo(last.id);
	}

	/**
	 * Marks the conversation read up to and including a message the person has seen. Writes only
	 * when the mark moves forward, so calling it for every message scrolled past costs nothing.
	 */
	markReadUpTo(messageId: string): void {
		if (!this.access.canReact() || this.shards.status !== 'ready') return;
		this.view.flushNow();
		const position = this.view.position(messageId);
		const message = this.view.messages[position];
		if (position < 0 || !message) return;
		if (this.view.readPosition(this.user.id) >= position) return;
		const shard = this.shards.shardOf(messageId);
		if (!shard) return;
		const isLast = this.view.messages.findLast((m) => m.acceptedAt !== null)?.id === messageId;
		// The server counts unread messages by acceptance time: never mark before the message,
		// and, short of the newest, not past it either (later ones stay unread there too).
		const at = isLast
			? Math.max(Date.now(), message.acceptedAt ?? 0)
			: (message.acceptedAt ?? Date.now());
		markRead(shard.doc, this.user.id, messageId, at);
		this.view.flushNow();
	}
}
