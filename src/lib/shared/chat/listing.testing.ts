import type { ListedMessage } from './listing.ts';

/** The uuid numbered `n` in a series (`prefix` tells series apart): readable ids for tests. */
export const numberedId = (n: number, prefix = '00000000') =>
	`${prefix}-0000-4000-8000-${String(n).padStart(12, '0')}`;

/**
 * A listed message for tests: who wrote what when, and nothing else on it (no thread, mention,
 * attachment, edit, moderation or reaction) unless `fields` says so.
 */
export function listedMessage(
	fields: Pick<ListedMessage, 'authorId' | 'id' | 'text' | 'createdAt' | 'acceptedAt'> &
		Partial<ListedMessage>
): ListedMessage {
	return {
		threadId: null,
		mentions: [],
		attachments: [],
		editedAt: null,
		deleted: false,
		moderation: null,
		version: 1,
		reactions: [],
		...fields
	};
}
