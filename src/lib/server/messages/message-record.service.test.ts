import { beforeAll, expect, it } from 'vitest';
import { describeEachApp } from '../testing/each-database.ts';
import * as Y from 'yjs';
import { markAccepted, postMessage } from '#shared/chat/document-schema.ts';
import { MessageRecordService } from './message-record.service.ts';
import { MessageRepository } from './message.repository.ts';

/**
 * Loading a document repairs the record from it: the document's stamp is the authority for when
 * a message was accepted (its author saw it, everyone orders by it), so a row written with
 * another time (a stamp a crash lost, a row written before the stamp) follows the document.
 */
describeEachApp('message record repair on %s', (app) => {
	let record: MessageRecordService;
	let channelId: string;
	let authorId: string;

	beforeAll(async () => {
		const org = await app.createOrganization('Repaired');
		authorId = org.admin.id;
		channelId = (await app.channels.list(org.admin)).find((c) => c.kind === 'announcements')!.id;
		record = new MessageRecordService(new MessageRepository(app.database.sql));
	});

	const acceptedAt = async (id: string) =>
		(
			await app.database.sql<{ at: Date }[]>`
				select accepted_at as at from messages where id = ${id}`
		)[0]?.at.getTime();

	it('corrects a row whose accepted time differs from the stamp in the document', async () => {
		const written = new Y.Doc();
		const lostStamp = postMessage(written, authorId, { text: 'stamped again after a crash' });
		const agreeing = postMessage(written, authorId, { text: 'recorded with its stamp' });
		const unstamped = postMessage(written, authorId, { text: 'not stamped yet' });
		const copy = () => {
			const doc = new Y.Doc();
			Y.applyUpdate(doc, Y.encodeStateAsUpdate(written));
			return doc;
		};
		const doc = copy();
		// The record was written from stamps the crash lost (and one before any stamp).
		markAccepted(doc, authorId, lostStamp.id, 1_000_000);
		markAccepted(doc, authorId, agreeing.id, 2_000_000);
		await record.reconcile(channelId, 0, doc);
		await record.idle();
		const recordedUnstamped = await acceptedAt(unstamped.id);

		// After the restart the document holds other stamps: the server's, which its authors saw.
		const reloaded = copy();
		markAccepted(reloaded, authorId, lostStamp.id, 1_500_000);
		markAccepted(reloaded, authorId, agreeing.id, 2_000_000);
		await record.reconcile(channelId, 0, reloaded);
		await record.idle();

		expect(await acceptedAt(lostStamp.id)).toBe(1_500_000);
		expect(await acceptedAt(agreeing.id)).toBe(2_000_000);
		// A message the document has not stamped keeps its row as it is.
		expect(await acceptedAt(unstamped.id)).toBe(recordedUnstamped);

		// Stamped at last: the row takes the stamp.
		markAccepted(reloaded, authorId, unstamped.id, 3_000_000);
		await record.reconcile(channelId, 0, reloaded);
		await record.idle();
		expect(await acceptedAt(unstamped.id)).toBe(3_000_000);
	});
});
