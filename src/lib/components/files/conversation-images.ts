import { getContext, setContext } from 'svelte';
import type { Attachment, ListedMessage } from '$lib/shared/chat/document-schema.ts';

/** An image of the conversation, with who sent it and when (the viewer's caption). */
export interface GalleryImage {
	attachment: Attachment;
	messageId: string;
	authorId: string;
	at: number;
}

const KEY = Symbol('conversation-images');

/**
 * The conversation page tells the messages' attachments which messages are shown, so that the
 * viewer steps through all of the conversation's images, not only one message's.
 */
export function setConversationImages(messages: () => readonly ListedMessage[]): void {
	setContext(KEY, messages);
}

/** The conversation's images in message order (only the messages given), or null outside one. */
export function getConversationImages(): (() => GalleryImage[]) | null {
	const messages = getContext<(() => readonly ListedMessage[]) | undefined>(KEY);
	if (!messages) return null;
	return () => imagesOf(messages());
}

export function imagesOf(messages: readonly ListedMessage[]): GalleryImage[] {
	return [...messages]
		.filter((message) => !message.deleted)
		.sort((a, b) => (a.acceptedAt ?? a.createdAt) - (b.acceptedAt ?? b.createdAt))
		.flatMap((message) =>
			message.attachments
				.filter((attachment) => attachment.kind === 'image')
				.map((attachment) => ({
					attachment,
					messageId: message.id,
					authorId: message.authorId,
					at: message.acceptedAt ?? message.createdAt
				}))
		);
}
