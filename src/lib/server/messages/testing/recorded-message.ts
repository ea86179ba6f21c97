import type { MessageRecord } from '../message.repository.ts';

/**
 * The first version of a top-level message on shard 0 as the record keeps it, written and
 * accepted at `at` (ms) with no mention or file; `fields` say the rest.
 */
export function recordedMessage(
	at: number,
	fields: Pick<MessageRecord, 'channelId' | 'authorId' | 'text'> & Partial<MessageRecord>
): MessageRecord {
	return {
		id: crypto.randomUUID(),
		shard: 0,
		threadId: null,
		mentions: [],
		attachments: [],
		version: 1,
		createdAt: new Date(at),
		acceptedAt: new Date(at),
		editedAt: null,
		deleted: false,
		...fields
	};
}
