import type { Hocuspocus } from '@hocuspocus/server';
import type { MessageRecordService } from '#server/messages/message-record.service.ts';
import {
	getMessage,
	markAccepted,
	postMessage,
	type MessageValue
} from '#shared/chat/document-schema.ts';
import type { CollabContext } from './context.ts';
import type { StampQueue } from './stamp-queue.ts';

/** What a server post needs: the documents, their stamp queue and the message record. */
export interface ServerPostParts {
	hocuspocus: Hocuspocus<CollabContext>;
	stamps: StampQueue;
	record: MessageRecordService;
}

/** Where a server post goes: a channel's head shard, by its document name. */
export interface PostTarget {
	channelId: string;
	shard: number;
	document: string;
}

/**
 * `written`: posted now; `found`: posted before (recorded again, in case a crash came between
 * writing it and recording it); `not-open`: the document did not open; `none`: nothing written.
 */
export type PostOutcome = 'written' | 'found' | 'not-open' | 'none';

/**
 * A message the server writes itself (the approved announcement, the breakout summary): as a
 * server change (`StampQueue.write`: logged first, then applied and sent to every open
 * connection), stamped as accepted and recorded like any message, under a person, with an id
 * its caller derives from what it posts, so that a second post finds it there and writes nothing.
 */
export async function postOnce(
	parts: ServerPostParts,
	target: PostTarget,
	authorId: string,
	message: { id: string; text: string }
): Promise<PostOutcome> {
	const direct = await parts.hocuspocus.openDirectConnection(target.document);
	try {
		const document = direct.document;
		if (!document) return 'not-open';
		const now = Date.now();
		const outcome: { written?: MessageValue; found?: MessageValue } = {};
		await parts.stamps.write(document, (doc) => {
			const found = getMessage(doc, authorId, message.id);
			if (found) {
				outcome.found = found;
				return;
			}
			outcome.written = postMessage(doc, authorId, { id: message.id, text: message.text, now });
			markAccepted(doc, authorId, message.id, now);
		});
		const value = outcome.written ?? outcome.found;
		if (!value) return 'none';
		await parts.record.recordMessage(target.channelId, target.shard, authorId, {
			value,
			acceptedAt: outcome.written ? now : value.createdAt
		});
		return outcome.written ? 'written' : 'found';
	} finally {
		await direct.disconnect();
	}
}
