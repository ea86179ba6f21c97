import * as Y from 'yjs';
import {
	listMessages,
	readMarks,
	type ListedMessage,
	type MessageValue
} from '#shared/chat/document-schema.ts';
import type { MessageRecord, MessageRepository } from './message.repository.ts';
import { logger } from '../logging/logger.ts';

/**
 * How long new messages gather before their record is written in one statement. The record is
 * off the acknowledgement path; a few milliseconds of gathering turn 200 single-row writes a
 * second into a few dozen statements.
 */
const GATHER_MS = 20;

/**
 * What follows the record (the notifications): told of each batch of messages and each read
 * mark once written, so that it reads committed rows. It queues its own work: the record's
 * chain does not wait for it.
 */
export interface RecordFollower {
	messagesRecorded(records: readonly MessageRecord[]): Promise<void>;
	readRecorded(channelId: string, userId: string, messageId: string): Promise<void>;
}

/**
 * Keeps the relational record in step with the documents. Fed with each accepted change as it
 * happens, and with a whole document when it is loaded, which repairs anything a crash between
 * the document write and the record write left out (every write here is idempotent).
 */
export class MessageRecordService {
	readonly messages: MessageRepository;
	private chain: Promise<void> = Promise.resolve();
	/** Messages waiting for the next batch write, and that write (queued in the chain). */
	private gathering: { records: MessageRecord[]; written: Promise<void> } | null = null;

	readonly follower: RecordFollower | null;

	constructor(messages: MessageRepository, follower: RecordFollower | null = null) {
		this.messages = messages;
		this.follower = follower;
	}

	/** Runs record writes one after another, off the path of the acknowledgement. */
	enqueue(work: () => Promise<void>): Promise<void> {
		const next = this.chain.then(work).catch((error) => {
			logger.error({ err: error }, 'message record write failed');
		});
		this.chain = next;
		return next;
	}

	idle(): Promise<void> {
		return this.chain;
	}

	/**
	 * Records a new or changed message, from the value its author wrote and the time the server
	 * accepted it. Messages recorded close together share one write; it takes its place in the
	 * chain when the first of them arrives, so a moderation or read mark recorded after a message
	 * is still written after it.
	 */
	recordMessage(
		channelId: string,
		shard: number,
		authorId: string,
		message: { value: MessageValue; acceptedAt: number }
	): Promise<void> {
		const record = messageRecord(channelId, shard, authorId, message.value, message.acceptedAt);
		if (this.gathering) {
			this.gathering.records.push(record);
			return this.gathering.written;
		}
		const batch = { records: [record], written: Promise.resolve() };
		this.gathering = batch;
		batch.written = this.enqueue(async () => {
			await new Promise((resolve) => setTimeout(resolve, GATHER_MS));
			if (this.gathering === batch) this.gathering = null;
			await this.messages.upsertMany(batch.records);
			void this.follower?.messagesRecorded(batch.records);
		});
		return batch.written;
	}

	recordModeration(messageId: string, by: string, at: number): Promise<void> {
		return this.enqueue(() => this.messages.markModerated(messageId, by, new Date(at)));
	}

	recordRead(channelId: string, userId: string, messageId: string, at: number): Promise<void> {
		return this.enqueue(async () => {
			await this.messages.recordRead(channelId, userId, messageId, new Date(at));
			void this.follower?.readRecorded(channelId, userId, messageId);
		});
	}

	/**
	 * Brings the record of one shard up to the document: missing or newer versions are written,
	 * and accepted times that differ from the document's stamps are corrected.
	 */
	reconcile(channelId: string, shard: number, doc: Y.Doc): Promise<void> {
		return this.enqueue(async () => {
			// Only what the record lacks is written: loading a document is usually a no-op here.
			const known = await this.messages.shardState(channelId, shard);
			const reads = await this.messages.readsOf(channelId);
			const messages = listMessages(doc);
			const missing = messages.filter(
				(message) => (known.get(message.id)?.version ?? 0) < message.version
			);
			const records = missing.map((message) =>
				messageRecord(channelId, shard, message.authorId, message, message.acceptedAt ?? Date.now())
			);
			await this.messages.upsertMany(records);
			// What a crash kept from the record is notified now (idempotent: nothing twice).
			void this.follower?.messagesRecorded(records);
			// A row may carry another accepted time than the document's stamp (written before a
			// crash lost that stamp, or for a message recorded before it was stamped): the stamp
			// is what its author saw and the order everyone sees, so the row follows it.
			const restamped = messages.filter((message) => {
				const recorded = known.get(message.id);
				return (
					message.acceptedAt !== null && recorded && recorded.acceptedAt !== message.acceptedAt
				);
			});
			await this.messages.correctAcceptedAt(
				restamped.map((message) => ({ id: message.id, acceptedAt: new Date(message.acceptedAt!) }))
			);
			for (const message of messages) {
				const recorded = known.get(message.id);
				if (message.moderation && !recorded?.moderated) {
					await this.messages.markModerated(
						message.id,
						message.moderation.by,
						new Date(message.moderation.at)
					);
				}
			}
			for (const [userId, mark] of readMarks(doc)) {
				if ((reads.get(userId) ?? -1) >= mark.at) continue;
				await this.messages.recordRead(channelId, userId, mark.messageId, new Date(mark.at));
			}
		});
	}
}

/**
 * The row of a message: from the value as its author wrote it (or as a document lists it, when
 * the record is repaired, or as the demo's history writes it) and the time the server accepted it.
 */
export function messageRecord(
	channelId: string,
	shard: number,
	authorId: string,
	value: MessageValue | ListedMessage,
	acceptedAt: number
): MessageRecord {
	return {
		id: value.id,
		channelId,
		shard,
		authorId,
		threadId: value.threadId ?? null,
		text: value.text,
		mentions: value.mentions,
		attachments: value.attachments ?? [],
		version: value.version,
		createdAt: new Date(value.createdAt),
		acceptedAt: new Date(acceptedAt),
		editedAt: value.editedAt ? new Date(value.editedAt) : null,
		deleted: value.deleted === true
	};
}
