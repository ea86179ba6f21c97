import type { Sql } from '../db/database.ts';
import { foldText } from '../../shared/search/query.ts';

export interface MessageRecord {
	id: string;
	channelId: string;
	shard: number;
	authorId: string;
	threadId: string | null;
	text: string;
	mentions: unknown[];
	attachments: unknown[];
	version: number;
	createdAt: Date;
	acceptedAt: Date;
	editedAt: Date | null;
	deleted: boolean;
}

/** The relational record of messages: every version of every text is kept. */
export class MessageRepository {
	readonly sql: Sql;
	constructor(sql: Sql) {
		this.sql = sql;
	}

	/**
	 * Inserts or advances a message; an older or equal version changes nothing. One statement (the
	 * version row is written by the same statement's second part), so one round trip per message:
	 * a transaction of two inserts cost four, and this write runs for every message sent.
	 */
	async upsert(record: MessageRecord): Promise<void> {
		const sql = this.sql;
		await sql`
			with advanced as (
				insert into messages (id, channel_id, shard, author_id, thread_id, text, folded, mentions,
					attachments, version, created_at, accepted_at, edited_at, deleted_at)
				values (${record.id}, ${record.channelId}, ${record.shard}, ${record.authorId},
					${record.threadId}, ${record.text}, ${foldText(record.text)},
					${sql.json(record.mentions as never)},
					${sql.json(record.attachments as never)}, ${record.version}, ${record.createdAt},
					${record.acceptedAt}, ${record.editedAt},
					${record.deleted ? (record.editedAt ?? record.acceptedAt) : null})
				on conflict (id) do update set
					text = excluded.text, folded = excluded.folded, mentions = excluded.mentions,
					attachments = excluded.attachments,
					version = excluded.version, edited_at = excluded.edited_at,
					deleted_at = coalesce(messages.deleted_at, excluded.deleted_at)
				where messages.version < excluded.version and messages.author_id = excluded.author_id
				returning id
			)
			insert into message_versions (message_id, version, text, deleted)
			values (${record.id}, ${record.version}, ${record.text}, ${record.deleted})
			on conflict do nothing`;
	}

	async markModerated(messageId: string, by: string, at: Date): Promise<void> {
		await this.sql`
			update messages set deleted_at = coalesce(deleted_at, ${at}), deleted_by = ${by}
			where id = ${messageId}`;
	}

	async recordRead(channelId: string, userId: string, messageId: string, at: Date): Promise<void> {
		await this.sql`
			insert into channel_reads (channel_id, user_id, last_read_message_id, last_read_at)
			values (${channelId}, ${userId}, ${messageId}, ${at})
			on conflict (channel_id, user_id) do update set
				last_read_message_id = excluded.last_read_message_id,
				last_read_at = excluded.last_read_at
			where channel_reads.last_read_at < excluded.last_read_at`;
	}

	/** What the record holds of one shard: each message's version and whether it is moderated. */
	async shardState(
		channelId: string,
		shard: number
	): Promise<Map<string, { version: number; moderated: boolean }>> {
		const rows = await this.sql<{ id: string; version: number; moderated: boolean }[]>`
			select id, version, deleted_by is not null as moderated
			from messages where channel_id = ${channelId} and shard = ${shard}`;
		return new Map(rows.map((row) => [row.id, row]));
	}

	/** The last read moment of each person in a channel. */
	async readsOf(channelId: string): Promise<Map<string, number>> {
		const rows = await this.sql<{ userId: string; at: Date }[]>`
			select user_id as "userId", last_read_at as at from channel_reads where channel_id = ${channelId}`;
		return new Map(rows.map((row) => [row.userId, row.at.getTime()]));
	}

	async history(messageId: string) {
		return this.sql<{ version: number; text: string; deleted: boolean; recordedAt: Date }[]>`
			select version, text, deleted, recorded_at as "recordedAt" from message_versions
			where message_id = ${messageId} order by version`;
	}

	async countInShard(channelId: string, shard: number): Promise<number> {
		const [row] = await this.sql<{ count: number }[]>`
			select count(*)::int as count from messages where channel_id = ${channelId} and shard = ${shard}`;
		return row!.count;
	}
}
