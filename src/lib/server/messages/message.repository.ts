import type { Sql } from '../db/database.ts';
import { fileNameWords, foldText } from '#shared/search/query.ts';

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

	/** Inserts or advances one message (see upsertMany). */
	async upsert(record: MessageRecord): Promise<void> {
		await this.upsertMany([record]);
	}

	/**
	 * Inserts or advances messages and records each version, in one statement: the record is
	 * written for every message sent, and per-statement costs (a round trip, a commit, a wake-up
	 * of a Postgres backend on the two cores the server shares) are what it costs most. A message
	 * is only advanced by a newer version from its own author; every version is kept.
	 */
	async upsertMany(records: readonly MessageRecord[]): Promise<void> {
		if (records.length === 0) return;
		const rows = records.map((record) => ({
			id: record.id,
			channel_id: record.channelId,
			shard: record.shard,
			author_id: record.authorId,
			thread_id: record.threadId,
			text: record.text,
			// Files' names are searched as part of the text (fileNameWords).
			folded: [foldText(record.text), fileNameWords(namedFiles(record.attachments))]
				.filter(Boolean)
				.join(' '),
			mentions: record.mentions,
			attachments: record.attachments,
			version: record.version,
			created_at: record.createdAt.toISOString(),
			accepted_at: record.acceptedAt.toISOString(),
			edited_at: record.editedAt?.toISOString() ?? null,
			deleted_at: record.deleted ? (record.editedAt ?? record.acceptedAt).toISOString() : null,
			deleted: record.deleted
		}));
		const sql = this.sql;
		// ON CONFLICT may touch a row once per statement: the newest version of each message
		// advances it; the versions table takes them all.
		await sql`
			with input as (
				select * from jsonb_to_recordset(${sql.json(rows as never)}) as x(
					id uuid, channel_id uuid, shard integer, author_id uuid, thread_id uuid, text text,
					folded text, mentions jsonb, attachments jsonb, version integer,
					created_at timestamptz, accepted_at timestamptz, edited_at timestamptz,
					deleted_at timestamptz, deleted boolean)
			),
			newest as (
				select distinct on (id) * from input order by id, version desc
			),
			advanced as (
				insert into messages (id, channel_id, shard, author_id, thread_id, text, folded, mentions,
					attachments, version, created_at, accepted_at, edited_at, deleted_at)
				select id, channel_id, shard, author_id, thread_id, text, folded, mentions,
					attachments, version, created_at, accepted_at, edited_at, deleted_at
				from newest
				on conflict (id) do update set
					text = excluded.text, folded = excluded.folded, mentions = excluded.mentions,
					attachments = excluded.attachments,
					version = excluded.version, edited_at = excluded.edited_at,
					deleted_at = coalesce(messages.deleted_at, excluded.deleted_at)
				where messages.version < excluded.version and messages.author_id = excluded.author_id
				returning id
			)
			insert into message_versions (message_id, version, text, deleted)
			select id, version, text, deleted from input
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
			where channel_reads.last_read_at < excluded.last_read_at
				-- A later message accepted in the same millisecond moves the mark too (the order
				-- everyone sees: accepted, written, id).
				or (channel_reads.last_read_at = excluded.last_read_at
					and (select row(created_at, id) from messages
						where id = excluded.last_read_message_id)
					> (select row(created_at, id) from messages
						where id = channel_reads.last_read_message_id))`;
	}

	/**
	 * What the record holds of one shard: each message's version, when it was accepted and
	 * whether it is moderated.
	 */
	async shardState(
		channelId: string,
		shard: number
	): Promise<Map<string, { version: number; acceptedAt: number; moderated: boolean }>> {
		const rows = await this.sql<
			{ id: string; version: number; acceptedAt: Date; moderated: boolean }[]
		>`
			select id, version, accepted_at as "acceptedAt", deleted_by is not null as moderated
			from messages where channel_id = ${channelId} and shard = ${shard}`;
		return new Map(
			rows.map((row) => [
				row.id,
				{ version: row.version, acceptedAt: row.acceptedAt.getTime(), moderated: row.moderated }
			])
		);
	}

	/**
	 * Sets the accepted time of recorded messages to the stamp their document holds (the stamp
	 * is the authority: it is what the author saw and the order everyone sees), in one statement.
	 */
	async correctAcceptedAt(corrections: readonly { id: string; acceptedAt: Date }[]): Promise<void> {
		if (corrections.length === 0) return;
		const rows = corrections.map((c) => ({ id: c.id, accepted_at: c.acceptedAt.toISOString() }));
		await this.sql`
			update messages set accepted_at = x.accepted_at
			from jsonb_to_recordset(${this.sql.json(rows as never)}) as x(id uuid, accepted_at timestamptz)
			where messages.id = x.id and messages.accepted_at <> x.accepted_at`;
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

/** The attachments that have a name (all do, as the message schema has them; unknown[] here). */
function namedFiles(attachments: readonly unknown[]): { name: string; kind?: string }[] {
	return attachments.filter(
		(file): file is { name: string; kind?: string } =>
			typeof file === 'object' &&
			file !== null &&
			typeof (file as { name?: unknown }).name === 'string'
	);
}
