import * as Y from 'yjs';
import type { Document } from '@hocuspocus/server';
import type { MessageRecordService } from '../../src/lib/server/messages/message-record.service.ts';
import {
	acceptedAt,
	listMessages,
	markAccepted,
	nextShard,
	parseUserRoot,
	sealShard,
	SHARD_CAPACITY,
	parseEntryKey,
	recordModeration,
	type ListedMessage,
	type MessageValue,
	type ReadMark
} from '../../src/lib/shared/chat/document-schema.ts';
import type { ChannelContext, ConversationRef } from './context.ts';
import { channelRowId } from './conversations.ts';
import type { AcceptedUpdate } from './persistence.extension.ts';
import type { GuardedChanges } from './update-guard.ts';
import { logger } from '../../src/lib/server/logging/logger.ts';

export type ServerWriter = (document: Document, change: (doc: Y.Doc) => void) => Promise<void>;

/**
 * What the server does once a client update is accepted and applied: it stamps new messages
 * with the server time (one order for everyone), records moderation, and feeds the relational
 * record of messages and read marks.
 */
export class Acceptance {
	readonly record: MessageRecordService;
	/** Moves the conversation's head to the next shard in Postgres; resolves to the new head. */
	readonly advanceHead: (conversation: ConversationRef, next: number) => Promise<number>;
	readonly writeServer: ServerWriter;
	private messageCounts = new WeakMap<Document, number>();

	constructor(deps: {
		record: MessageRecordService;
		advanceHead: (conversation: ConversationRef, next: number) => Promise<number>;
		writeServer: ServerWriter;
	}) {
		this.record = deps.record;
		this.advanceHead = deps.advanceHead;
		this.writeServer = deps.writeServer;
	}

	/**
	 * The acceptance stamps of the new messages of an accepted update: the persistence extension
	 * writes them with the update itself (one log entry, one broadcast).
	 */
	stampsFor(context: ChannelContext, changes: GuardedChanges): ((doc: Y.Doc) => void) | null {
		const messages = writtenMessages(changes);
		if (messages.length === 0) return null;
		const now = Date.now();
		const authorId = context.user.id;
		return (doc) => {
			for (const message of messages) markAccepted(doc, authorId, message.id, now);
		};
	}

	async handle({ document, context, changes, stamped }: AcceptedUpdate): Promise<void> {
		const now = Date.now();
		const authorId = context.user.id;
		const messages = writtenMessages(changes);
		// The record of the conversation the document's name resolved to, by its own kind.
		const recordId = channelRowId(context.conversation);
		for (const entry of changes.written) {
			if (parseEntryKey(entry.key)?.kind !== 'read') continue;
			// Validated by the update guard before it was applied.
			const mark = entry.value as ReadMark;
			void this.record.recordRead(recordId, authorId, mark.messageId, mark.at);
		}
		// New messages were stamped with the update itself (stampsFor); only moderation is left.
		if (changes.moderated.length > 0) {
			await this.writeServer(document, (doc) => {
				for (const moderated of changes.moderated) {
					recordModeration(doc, moderated.authorId, moderated.messageId, { by: authorId, at: now });
				}
			});
		}
		for (const moderated of changes.moderated) {
			void this.record.recordModeration(moderated.messageId, authorId, now);
		}
		for (const value of latestVersions(messages)) {
			void this.record.recordMessage(
				recordId,
				context.shard,
				listed(stamped, authorId, value, now)
			);
		}
		const posted = messages.filter((message) => message.version === 1).length;
		if (posted > 0) await this.sealIfFull(document, context.conversation, context.shard, posted);
	}

	/** Stamps messages that reached the log but not their acceptance before a crash. */
	async stampUnaccepted(document: Document): Promise<void> {
		const now = Date.now();
		const unstamped = listMessages(document).filter((message) => message.acceptedAt === null);
		if (unstamped.length === 0) return;
		await this.writeServer(document, (doc) => {
			for (const message of unstamped) markAccepted(doc, message.authorId, message.id, now);
		});
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
			await this.advanceHead(conversation, shard + 1);
			await this.writeServer(document, (doc) => sealShard(doc, shard + 1));
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

/** The record of a message, accepted at the time its logged stamp says. */
function listed(stamped: Y.Doc, authorId: string, value: MessageValue, now: number): ListedMessage {
	return {
		authorId,
		id: value.id,
		text: value.text,
		createdAt: value.createdAt,
		acceptedAt: acceptedAt(stamped, authorId, value.id) ?? now,
		threadId: value.threadId ?? null,
		mentions: value.mentions,
		attachments: value.attachments ?? [],
		editedAt: value.editedAt ?? null,
		deleted: value.deleted === true,
		moderation: null,
		version: value.version,
		reactions: []
	};
}
