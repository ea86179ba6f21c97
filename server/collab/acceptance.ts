import type { Document } from '@hocuspocus/server';
import type { ChannelService } from '#server/channels/channel.service.ts';
import type { MessageRecordService } from '#server/messages/message-record.service.ts';
import {
	acceptedAt,
	listMessages,
	markAccepted,
	nextShard,
	parseDocumentName,
	parseUserRoot,
	sealShard,
	SHARD_CAPACITY,
	parseEntryKey,
	recordModeration,
	type MessageValue,
	type ReadMark
} from '#shared/chat/document-schema.ts';
import type { ChannelContext, ConversationRef } from './context.ts';
import { channelRowId } from './conversations.ts';
import type { StampQueue } from './stamp-queue.ts';
import type { GuardedChanges } from './update-guard.ts';
import { logger } from '#server/logging/logger.ts';
import { Wired } from '#shared/wired.ts';

/** A message as the server accepted it: the value its author wrote, and when it was accepted. */
export interface AcceptedMessage {
	value: MessageValue;
	acceptedAt: number;
}

/**
 * What the server does with an accepted client update: it stamps new messages with the server
 * time (one order for everyone), records moderation, seals a full shard, and feeds the relational
 * record of messages and read marks. Its own changes to the document go through the stamp queue.
 */
export class Acceptance extends Wired<{
	record: MessageRecordService;
	channels: ChannelService;
	stamps: StampQueue;
}>() {
	private messageCounts = new WeakMap<Document, number>();

	/**
	 * Writes the acceptance stamps of an accepted update's new messages on the server's copy, at
	 * this moment: the update is logged with them (one entry, one broadcast). Returns the stamps'
	 * update (null when it posted nothing new) and the messages it wrote, each with the time of
	 * its acceptance (an edit keeps the time of the message it edits).
	 */
	stamp(
		document: Document,
		authorId: string,
		changes: GuardedChanges
	): { stamp: Uint8Array | null; messages: AcceptedMessage[] } {
		const values = latestVersions(writtenMessages(changes));
		if (values.length === 0) return { stamp: null, messages: [] };
		const now = Date.now();
		const stamp = this.stamps.prepare(document, (doc) => {
			for (const value of values) markAccepted(doc, authorId, value.id, now);
		});
		const shadow = this.stamps.shadowOf(document);
		const messages = values.map((value) => ({
			value,
			acceptedAt: (shadow && acceptedAt(shadow, authorId, value.id)) ?? now
		}));
		return { stamp, messages };
	}

	/**
	 * The update is logged and relayed: the record follows (messages, read marks, moderation),
	 * moderation is written in the server's area, and a full shard is sealed.
	 */
	async accepted(
		document: Document,
		context: ChannelContext,
		changes: GuardedChanges,
		messages: AcceptedMessage[]
	): Promise<void> {
		const now = Date.now();
		const authorId = context.user.id;
		// The record of the conversation the document's name resolved to, by its own kind.
		const recordId = channelRowId(context.conversation);
		for (const entry of changes.written) {
			if (parseEntryKey(entry.key)?.kind !== 'read') continue;
			// Validated by the update guard before it was applied.
			const mark = entry.value as ReadMark;
			void this.record.recordRead(recordId, authorId, mark.messageId, mark.at);
		}
		if (changes.moderated.length > 0) {
			await this.stamps.write(document, (doc) => {
				for (const moderated of changes.moderated) {
					recordModeration(doc, moderated.authorId, moderated.messageId, { by: authorId, at: now });
				}
			});
		}
		for (const moderated of changes.moderated) {
			void this.record.recordModeration(moderated.messageId, authorId, now);
		}
		for (const message of messages) {
			void this.record.recordMessage(recordId, context.shard, authorId, message);
		}
		const posted = writtenMessages(changes).filter((value) => value.version === 1).length;
		if (posted > 0) await this.sealIfFull(document, context.conversation, context.shard, posted);
	}

	/**
	 * When a document loads: stamps messages that reached the log but not their acceptance before
	 * a crash, and brings the record of the shard up to the document.
	 */
	async repair(document: Document): Promise<void> {
		const now = Date.now();
		const unstamped = listMessages(document).filter((message) => message.acceptedAt === null);
		if (unstamped.length > 0) {
			await this.stamps.write(document, (doc) => {
				for (const message of unstamped) markAccepted(doc, message.authorId, message.id, now);
			});
		}
		// Only a conversation's document loads (auth resolved its name, by its own kind).
		const name = parseDocumentName(document.name);
		if (name) await this.record.reconcile(channelRowId(name), name.shard, document);
	}

	/**
	 * A full shard is sealed: the head moves on in Postgres first (so the next shard may be
	 * opened), then the document says where the conversation continues.
	 */
	private async sealIfFull(
		document: Document,
		conversation: ConversationRef,
		shard: number,
		posted: number
	): Promise<void> {
		// Counted once per loaded document, then kept up to date: not a scan per message.
		const count = (this.messageCounts.get(document) ?? countMessages(document) - posted) + posted;
		this.messageCounts.set(document, count);
		if (count < SHARD_CAPACITY || nextShard(document) !== null) return;
		try {
			await this.channels.advanceHeadShard(channelRowId(conversation), shard + 1);
			await this.stamps.write(document, (doc) => sealShard(doc, shard + 1));
		} catch (error) {
			logger.error({ err: error }, `could not seal ${document.name}`);
		}
	}
}

/** The messages an accepted update wrote; the guard has already validated every value. */
function writtenMessages(changes: GuardedChanges): MessageValue[] {
	return changes.written
		.filter((entry) => parseEntryKey(entry.key)?.kind === 'message')
		.map((entry) => entry.value as MessageValue);
}

function countMessages(document: Document): number {
	let count = 0;
	for (const name of document.share.keys()) {
		if (!parseUserRoot(name)) continue;
		for (const key of document.getMap<unknown>(name).keys()) if (key.startsWith('m:')) count++;
	}
	return count;
}

/** One update may write the same message twice (post, then edit): record the last version. */
function latestVersions(values: MessageValue[]): MessageValue[] {
	const latest = new Map<string, MessageValue>();
	for (const value of values) {
		const seen = latest.get(value.id);
		if (!seen || seen.version < value.version) latest.set(value.id, value);
	}
	return [...latest.values()];
}
