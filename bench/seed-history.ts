import * as Y from 'yjs';
import { openDatabase } from '../src/lib/server/db/database.ts';
import { ChannelRepository } from '../src/lib/server/channels/channel.repository.ts';
import { DocumentRepository } from '../src/lib/server/documents/document.repository.ts';
import { MessageRepository } from '../src/lib/server/messages/message.repository.ts';
import {
	documentName,
	initServerArea,
	listMessages,
	markAccepted,
	postMessage,
	sealShard,
	SHARD_CAPACITY
} from '../src/lib/shared/chat/document-schema.ts';

/**
 * Scenario 4's history, written straight into the database while the server is stopped (the
 * embedded database belongs to one process): shards of SHARD_CAPACITY messages made with the
 * shared document helpers, stored compacted as the server stores them, older shards sealed,
 * the channel's head moved to the last shard, and the head shard's messages in the relational
 * record (so that loading it has no repair work to do, as in a long-running deployment).
 *
 * Usage: npx node bench/seed-history.ts '<json: { pgliteDir?, databaseUrl?, channels }>'
 */
interface SeedPlan {
	pgliteDir?: string;
	databaseUrl?: string;
	channels: { channelId: string; messages: number; authorIds: string[] }[];
}

const LINES = [
	'Deploy of the billing service is done, dashboards look normal.',
	'Can someone review the migration PR before lunch? It touches the invoices table.',
	'Standup moved to 10:15 today, the room is booked until then.',
	'Customer reported slow search again; I am collecting traces now.',
	'Thanks! That fixed it on my machine as well.',
	'Reminder: the quarterly planning doc closes for comments on Friday.',
	'I will be out tomorrow afternoon, ping me before 2pm if you need anything.',
	'The new onboarding flow is live for 10% of sign-ups.'
];

const plan = JSON.parse(process.argv[2] ?? '{}') as SeedPlan;
const database = await openDatabase({
	databaseUrl: plan.databaseUrl,
	pgliteDir: plan.pgliteDir,
	maxConnections: 2
});
const documents = new DocumentRepository(database.sql);
const channels = new ChannelRepository(database.sql);
const messages = new MessageRepository(database.sql);
const result: { channelId: string; messages: number; shards: number; stateBytes: number }[] = [];

for (const { channelId, messages: count, authorIds } of plan.channels) {
	const started = performance.now();
	let total = 0;
	let shard = 0;
	let stateBytes = 0;
	let at = Date.now() - count * 60_000;
	while (total < count) {
		const doc = new Y.Doc();
		initServerArea(doc);
		const inShard = Math.min(SHARD_CAPACITY, count - total);
		for (let i = 0; i < inShard; i++) {
			const authorId = authorIds[(total + i) % authorIds.length]!;
			at += 60_000;
			const value = postMessage(doc, authorId, {
				text: `${LINES[(total + i) % LINES.length]} (#${total + i + 1})`,
				now: at
			});
			markAccepted(doc, authorId, value.id, at + 40);
		}
		total += inShard;
		const last = total >= count;
		if (!last) sealShard(doc, shard + 1);
		const state = Y.encodeStateAsUpdate(doc);
		await documents.compact(documentName('channel', channelId, shard), state, 0);
		if (last) {
			stateBytes = state.byteLength;
			for (const message of listMessages(doc)) {
				await messages.upsert({
					id: message.id,
					channelId,
					shard,
					authorId: message.authorId,
					threadId: null,
					text: message.text,
					mentions: [],
					attachments: [],
					version: message.version,
					createdAt: new Date(message.createdAt),
					acceptedAt: new Date(message.acceptedAt ?? message.createdAt),
					editedAt: null,
					deleted: false
				});
			}
			await channels.setHeadShard(channelId, shard);
		}
		doc.destroy();
		if (!last) shard++;
	}
	result.push({ channelId, messages: total, shards: shard + 1, stateBytes });
	process.stderr.write(
		`[seed] ${total} messages in ${shard + 1} shards in ${((performance.now() - started) / 1000).toFixed(1)} s\n`
	);
}
await database.close();
console.log(JSON.stringify(result));
