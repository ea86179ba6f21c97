import * as Y from 'yjs';
import type { Sql } from '../../db/database.ts';
import { DocumentRepository } from '../../documents/document.repository.ts';
import { MessageRepository } from '../../messages/message.repository.ts';
import { recordedMessage } from '../../messages/testing/recorded-message.ts';
import {
	documentName,
	initServerArea,
	markAccepted,
	postMessage,
	react,
	type DocumentKind
} from '#shared/chat/document-schema.ts';

export interface OldMessage {
	authorId: string;
	text: string;
	/** Server time it was accepted (ms). */
	at: number;
	/** Someone who reacted to it. */
	reactedBy?: string;
}

/**
 * Writes messages with old acceptance times the way the server keeps them: the first half into
 * the document's compacted state, the rest as entries of its update log (so a purge must reach
 * both), each with its acceptance stamp, and the record (`messages`, `message_versions`) with the
 * same times. Returns the messages' ids in order.
 */
export async function writeOldMessages(
	sql: Sql,
	conversation: { id: string; kind?: DocumentKind; shard?: number },
	messages: readonly OldMessage[]
): Promise<string[]> {
	const kind = conversation.kind ?? 'channel';
	const shard = conversation.shard ?? 0;
	const name = documentName(kind, conversation.id, shard);
	const documents = new DocumentRepository(sql);
	const record = new MessageRepository(sql);
	const doc = new Y.Doc();
	const stored = await documents.load(name);
	if (stored.state) Y.applyUpdate(doc, stored.state);
	for (const { update } of stored.updates) Y.applyUpdate(doc, update);
	if (!stored.state) {
		initServerArea(doc);
		await documents.compact(name, Y.encodeStateAsUpdate(doc), 0);
	}
	const ids: string[] = [];
	const half = Math.ceil(messages.length / 2);
	const write = (list: readonly OldMessage[]) => {
		const before = Y.encodeStateVector(doc);
		doc.transact(() => {
			for (const message of list) {
				const value = postMessage(doc, message.authorId, { text: message.text, now: message.at });
				markAccepted(doc, message.authorId, value.id, message.at);
				if (message.reactedBy) react(doc, message.reactedBy, value.id, '👍');
				ids.push(value.id);
			}
		});
		return Y.encodeStateAsUpdate(doc, before);
	};
	write(messages.slice(0, half));
	await documents.compact(name, Y.encodeStateAsUpdate(doc), stored.updates.at(-1)?.seq ?? 0);
	const logged = write(messages.slice(half));
	if (messages.length > half) await documents.appendMany([{ name, update: logged }]);
	await record.upsertMany(
		messages.map((message, index) =>
			recordedMessage(message.at, {
				id: ids[index]!,
				channelId: conversation.id,
				shard,
				authorId: message.authorId,
				text: message.text
			})
		)
	);
	doc.destroy();
	return ids;
}

/** Every stored byte of a document (compacted state and update log), to search for text. */
export async function storedBytes(sql: Sql, name: string): Promise<Buffer> {
	const stored = await new DocumentRepository(sql).load(name);
	return Buffer.concat([
		Buffer.from(stored.state ?? new Uint8Array()),
		...stored.updates.map((entry) => Buffer.from(entry.update))
	]);
}
