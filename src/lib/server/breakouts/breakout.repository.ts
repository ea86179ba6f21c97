import type { BreakoutMessage } from './summary/index.ts';
import type { Sql } from '../db/database.ts';

/** A breakout room: its `channels` row joined with what only a breakout has (`breakouts`). */
export interface BreakoutRow {
	id: string;
	parentId: string;
	orgId: string;
	title: string;
	agenda: string;
	createdBy: string | null;
	startsAt: Date;
	endsAt: Date;
	endedAt: Date | null;
	state: 'running' | 'ended';
	/** Raised by every extension and early end; a timer job of another version does nothing. */
	timerVersion: number;
	headShard: number;
	summary: string | null;
}

const columns = (sql: Sql) =>
	sql`c.id, b.parent_id as "parentId", b.org_id as "orgId", c.name as title, b.agenda,
		c.created_by as "createdBy", c.starts_at as "startsAt", c.ends_at as "endsAt",
		b.ended_at as "endedAt", b.state, b.timer_version as "timerVersion",
		c.head_shard as "headShard", b.summary`;

export class BreakoutRepository {
	readonly sql: Sql;
	constructor(sql: Sql) {
		this.sql = sql;
	}

	/** The breakout part of a room whose `channels` row was just inserted (kind 'breakout'). */
	async insert(
		room: { channelId: string; parentId: string; orgId: string; agenda: string },
		tx: Sql
	): Promise<void> {
		await tx`insert into breakouts (channel_id, parent_id, org_id, agenda)
			values (${room.channelId}, ${room.parentId}, ${room.orgId}, ${room.agenda})`;
	}

	async find(id: string, tx: Sql = this.sql): Promise<BreakoutRow | null> {
		const [row] = await tx<BreakoutRow[]>`
			select ${columns(tx)} from breakouts b join channels c on c.id = b.channel_id
			where b.channel_id = ${id}`;
		return row ?? null;
	}

	/** Locks the room's row until the transaction ends: extensions and ends take turns. */
	async lock(id: string, tx: Sql): Promise<BreakoutRow | null> {
		await tx`select 1 from breakouts where channel_id = ${id} for update`;
		return this.find(id, tx);
	}

	/** A channel's breakouts, newest first; `userId` set: only those the person is in. */
	async ofParent(parentId: string, userId: string | null): Promise<BreakoutRow[]> {
		const sql = this.sql;
		const mine =
			userId === null
				? sql`true`
				: sql`exists (select 1 from channel_members m
					where m.channel_id = b.channel_id and m.user_id = ${userId})`;
		return sql<BreakoutRow[]>`
			select ${columns(sql)} from breakouts b join channels c on c.id = b.channel_id
			where b.parent_id = ${parentId} and ${mine}
			order by c.starts_at desc, c.name`;
	}

	/** Running rooms whose end has come (the sweep makes sure each has its end job). */
	async overdue(now: Date): Promise<BreakoutRow[]> {
		const sql = this.sql;
		return sql<BreakoutRow[]>`
			select ${columns(sql)} from breakouts b join channels c on c.id = b.channel_id
			where b.state = 'running' and c.ends_at <= ${now}
			order by c.ends_at limit 500`;
	}

	/** Moves a running room's end and raises its timer version; returns the new version. */
	async setEnd(id: string, endsAt: Date, tx: Sql): Promise<number> {
		await tx`update channels set ends_at = ${endsAt} where id = ${id}`;
		const [row] = await tx<{ version: number }[]>`
			update breakouts set timer_version = timer_version + 1 where channel_id = ${id}
			returning timer_version as version`;
		return row!.version;
	}

	/**
	 * Marks a running room ended, only when its timer is still `version` (null: whatever it is);
	 * false when it had ended already or its timer moved on, so a second end changes nothing.
	 */
	async markEnded(id: string, version: number | null, tx: Sql): Promise<boolean> {
		const result = await tx`
			update breakouts set state = 'ended', ended_at = now()
			where channel_id = ${id} and state = 'running'
				and (${version}::int is null or timer_version = ${version}::int)`;
		return result.count > 0;
	}

	/**
	 * Marks ended each of these rooms that still runs on the given timer version, in one
	 * statement (the rooms of one split end together); answers the ids it ended. Its row locks
	 * make it wait for an extension in flight, whose new version then leaves that room running.
	 */
	async markEndedMany(due: { id: string; version: number }[], tx: Sql): Promise<string[]> {
		if (due.length === 0) return [];
		const rows = due.map(({ id, version }) => [id, version]);
		const ended = await tx<{ id: string }[]>`
			update breakouts b set state = 'ended', ended_at = now()
			from (values ${tx(rows)}) as due(id, version)
			where b.channel_id = due.id::uuid and b.state = 'running'
				and b.timer_version = due.version::int
			returning b.channel_id as id`;
		return ended.map(({ id }) => id);
	}

	/** These rooms, by id (those that exist). */
	async findMany(ids: string[], tx: Sql = this.sql): Promise<BreakoutRow[]> {
		if (ids.length === 0) return [];
		return tx<BreakoutRow[]>`
			select ${columns(tx)} from breakouts b join channels c on c.id = b.channel_id
			where b.channel_id in ${tx(ids)}`;
	}

	/** The active people of each of these rooms. */
	async participantsOf(ids: string[], tx: Sql): Promise<Map<string, string[]>> {
		const people = new Map<string, string[]>(ids.map((id) => [id, []]));
		if (ids.length === 0) return people;
		const rows = await tx<{ roomId: string; userId: string }[]>`
			select m.channel_id as "roomId", m.user_id as "userId"
			from channel_members m join users u on u.id = m.user_id
			where m.channel_id in ${tx(ids)} and u.status = 'active'`;
		for (const { roomId, userId } of rows) people.get(roomId)?.push(userId);
		return people;
	}

	/** A room's messages as its summary reads them: top level and replies, oldest first. */
	async transcript(id: string): Promise<BreakoutMessage[]> {
		const rows = await this.sql<
			{
				id: string;
				authorId: string;
				authorName: string;
				text: string;
				at: Date;
				threadId: string | null;
			}[]
		>`
			select m.id, m.author_id as "authorId", u.name as "authorName", m.text,
				m.accepted_at as at, m.thread_id as "threadId"
			from messages m join users u on u.id = m.author_id
			where m.channel_id = ${id} and m.deleted_at is null and m.text <> ''
			order by m.accepted_at, m.id`;
		return rows.map(({ threadId, ...row }) => ({
			...row,
			at: row.at.getTime(),
			...(threadId ? { threadId } : {})
		}));
	}

	/** Keeps the summary once: false when the room had one already. */
	async saveSummary(id: string, summary: string): Promise<boolean> {
		const result = await this.sql`
			update breakouts set summary = ${summary}, summarized_at = now()
			where channel_id = ${id} and summary is null`;
		return result.count > 0;
	}

	/** Whether the room's summary message (`messageId`) is in the parent's message record. */
	async summaryPosted(id: string, messageId: string): Promise<boolean> {
		const [row] = await this.sql<{ posted: boolean }[]>`
			select exists (
				select 1 from messages m join breakouts b on b.parent_id = m.channel_id
				where b.channel_id = ${id} and m.id = ${messageId}
			) as posted`;
		return row!.posted;
	}

	/**
	 * Rooms that ended before `before` (and within a week of it) whose summary message, named by
	 * `messageIdOf`, is not in their parent's record: not made, or made and not posted.
	 */
	async endedWithoutSummaryPost(
		before: Date,
		messageIdOf: (id: string) => string
	): Promise<string[]> {
		const since = new Date(before.getTime() - 7 * 24 * 3600_000);
		const ended = await this.sql<{ id: string }[]>`
			select channel_id as id from breakouts
			where state = 'ended' and ended_at < ${before} and ended_at > ${since}
			order by ended_at limit 500`;
		if (ended.length === 0) return [];
		const ids = ended.map((row) => messageIdOf(row.id));
		const posted = new Set(
			(
				await this.sql<{ id: string }[]>`select id from messages where id = any(${ids}::uuid[])`
			).map((row) => row.id)
		);
		return ended.filter((row) => !posted.has(messageIdOf(row.id))).map((row) => row.id);
	}
}
