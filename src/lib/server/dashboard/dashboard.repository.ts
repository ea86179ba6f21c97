import type postgres from 'postgres';
import type { Sql } from '../db/database.ts';
import type { DashboardScopeParam } from '#shared/api/dashboard.schema.ts';

/** The people a dashboard counts: everyone now in the team, the department or the organization. */
export type ScopePeople = DashboardScopeParam & { orgId: string };

/** The days asked for (the period and the one before it, together), YYYY-MM-DD, both included. */
export interface DayRange {
	from: string;
	to: string;
}

export interface DayFigures {
	day: string;
	messages: number;
	activePeople: number;
}
export interface ReplyFigures {
	day: string;
	medianReplySeconds: number;
	repliedThreads: number;
}
export interface PeriodFigures {
	current: boolean;
	activePeople: number;
}
export interface PeriodReplyFigures {
	current: boolean;
	medianReplySeconds: number;
	repliedThreads: number;
}
export interface ChannelFigures {
	key: string;
	name: string;
	kind: string;
	messages: number;
	previousMessages: number;
}

type Fragment = postgres.PendingQuery<postgres.Row[]>;

const midnight = (day: string) => new Date(`${day}T00:00:00Z`);
const nextMidnight = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000);
/** A message's UTC day. */
const utcDay = (sql: Sql, column: string) => sql`((${sql(column)} at time zone 'UTC')::date)`;

/** How long after a thread's start a late first reply still counts for it (see rollUpDay). */
const LATE_REPLY_DAYS = 30;

/**
 * All I/O of the dashboard: the daily rollup of `messages` (activity_daily, activity_thread_roots,
 * activity_rollup_days) and the figures read from it, plus the days not rolled up yet counted from
 * `messages` directly. Days are UTC days of `accepted_at` (the server's time, not the sender's).
 */
export class DashboardRepository {
	readonly sql: Sql;
	constructor(sql: Sql) {
		this.sql = sql;
	}

	/**
	 * Rolls up one finished day for every organization, replacing what an earlier run wrote:
	 * its messages per channel and author, its thread roots that got a reply from someone else,
	 * and the roots of the LATE_REPLY_DAYS before it whose first reply came on this day.
	 */
	async rollUpDay(day: string): Promise<void> {
		const start = midnight(day);
		const end = nextMidnight(day);
		await this.sql.begin(async (tx) => {
			await tx`delete from activity_daily where day = ${day}`;
			await tx`
				insert into activity_daily (day, org_id, channel_id, author_id, messages)
				select ${day}::date, c.org_id, m.channel_id, m.author_id, count(*)::int
				from messages m join channels c on c.id = m.channel_id
				where m.accepted_at >= ${start} and m.accepted_at < ${end} and m.deleted_at is null
				group by c.org_id, m.channel_id, m.author_id`;
			await tx`delete from activity_thread_roots where day = ${day}`;
			await tx`
				insert into activity_thread_roots
					(root_id, org_id, channel_id, author_id, day, first_reply_seconds)
				select r.id, c.org_id, r.channel_id, r.author_id, ${day}::date,
					extract(epoch from min(m.accepted_at) - r.accepted_at)
				from messages r
				join channels c on c.id = r.channel_id
				join messages m on m.thread_id = r.id and m.author_id <> r.author_id and m.deleted_at is null
				where r.accepted_at >= ${start} and r.accepted_at < ${end}
					and r.thread_id is null and r.deleted_at is null
				group by r.id, c.org_id, r.channel_id, r.author_id, r.accepted_at`;
			await tx`
				insert into activity_thread_roots
					(root_id, org_id, channel_id, author_id, day, first_reply_seconds)
				select r.id, c.org_id, r.channel_id, r.author_id, ((r.accepted_at at time zone 'UTC')::date),
					extract(epoch from min(m.accepted_at) - r.accepted_at)
				from messages r
				join channels c on c.id = r.channel_id
				join messages m on m.thread_id = r.id and m.author_id <> r.author_id and m.deleted_at is null
				where r.id in (
						select thread_id from messages
						where accepted_at >= ${start} and accepted_at < ${end} and thread_id is not null)
					and r.accepted_at >= ${new Date(start.getTime() - LATE_REPLY_DAYS * 86_400_000)}
					and r.accepted_at < ${start}
					and r.thread_id is null and r.deleted_at is null
				group by r.id, c.org_id, r.channel_id, r.author_id, r.accepted_at
				on conflict (root_id) do update set first_reply_seconds = excluded.first_reply_seconds`;
			await tx`
				insert into activity_rollup_days (day) values (${day})
				on conflict (day) do update set rolled_up_at = now()`;
		});
	}

	/**
	 * Fresh planner statistics for the tables the rollup reads and writes. Postgres's autovacuum
	 * keeps them; the embedded PGlite has none, and with stale ones a day's rollup scans every
	 * message (measured: minutes per year of 1,000,000 messages instead of seconds).
	 */
	async refreshStatistics(): Promise<void> {
		await this.sql`analyze messages, activity_daily, activity_thread_roots`;
	}

	/** Finished days (before `today`) that have messages but no rollup yet, oldest first. */
	async daysToRollUp(today: string, limit: number): Promise<string[]> {
		const rows = await this.sql<{ day: string }[]>`
			with first as (select min(accepted_at) as at from messages)
			select to_char(d, 'YYYY-MM-DD') as day
			from first, generate_series(
				(first.at at time zone 'UTC')::date, ${today}::date - 1, interval '1 day') as d
			where first.at is not null
				and not exists (select 1 from activity_rollup_days r where r.day = d::date)
			order by d limit ${limit}`;
		return rows.map((row) => row.day);
	}

	/** The days of the range that are rolled up. */
	async rolledUpDays(range: DayRange): Promise<Set<string>> {
		const rows = await this.sql<{ day: string }[]>`
			select to_char(day, 'YYYY-MM-DD') as day from activity_rollup_days
			where day between ${range.from} and ${range.to}`;
		return new Set(rows.map((row) => row.day));
	}

	/** Messages and distinct authors per day of the range (days without messages left out). */
	async dayFigures(scope: ScopePeople, range: DayRange, liveFrom: string | null) {
		const sql = this.sql;
		return sql<DayFigures[]>`
			with ${this.counts(scope, range, liveFrom)}
			select to_char(day, 'YYYY-MM-DD') as day, sum(messages)::int as messages,
				count(distinct author_id)::int as "activePeople"
			from counts group by day order by day`;
	}

	/** Distinct authors of each period (`current`: from `currentFrom` on). */
	async periodFigures(
		scope: ScopePeople,
		range: DayRange,
		liveFrom: string | null,
		currentFrom: string
	) {
		const sql = this.sql;
		return sql<PeriodFigures[]>`
			with ${this.counts(scope, range, liveFrom)}
			select day >= ${currentFrom}::date as current,
				count(distinct author_id)::int as "activePeople"
			from counts group by 1`;
	}

	/**
	 * Messages per channel in each period, the `limit` busiest of the current one; direct
	 * messages and private groups are counted as one entry each, never named.
	 */
	async channelFigures(
		scope: ScopePeople,
		range: DayRange,
		liveFrom: string | null,
		currentFrom: string,
		limit: number
	) {
		const sql = this.sql;
		return sql<ChannelFigures[]>`
			with ${this.counts(scope, range, liveFrom)},
			per_channel as (
				select channel_id,
					coalesce(sum(messages) filter (where day >= ${currentFrom}::date), 0) as current,
					coalesce(sum(messages) filter (where day < ${currentFrom}::date), 0) as previous
				from counts group by channel_id
			),
			grouped as (
				select
					case when c.kind in ('dm', 'private') then c.kind else c.id::text end as key,
					case c.kind when 'dm' then 'Direct messages' when 'private' then 'Private groups'
						else c.name end as name,
					c.kind, sum(p.current)::int as messages, sum(p.previous)::int as "previousMessages"
				from per_channel p join channels c on c.id = p.channel_id
				group by 1, 2, 3
			)
			select * from grouped where messages > 0
			order by messages desc, name limit ${limit}`;
	}

	/** Median delay of the first reply by someone else, per day of the threads' start. */
	async replyFigures(scope: ScopePeople, range: DayRange, liveFrom: string | null) {
		const sql = this.sql;
		return sql<ReplyFigures[]>`
			with ${this.roots(scope, range, liveFrom)}
			select to_char(day, 'YYYY-MM-DD') as day,
				percentile_cont(0.5) within group (order by seconds)::float8 as "medianReplySeconds",
				count(*)::int as "repliedThreads"
			from roots group by day order by day`;
	}

	async periodReplyFigures(
		scope: ScopePeople,
		range: DayRange,
		liveFrom: string | null,
		currentFrom: string
	) {
		const sql = this.sql;
		return sql<PeriodReplyFigures[]>`
			with ${this.roots(scope, range, liveFrom)}
			select day >= ${currentFrom}::date as current,
				percentile_cont(0.5) within group (order by seconds)::float8 as "medianReplySeconds",
				count(*)::int as "repliedThreads"
			from roots group by 1`;
	}

	/** `people` (the scope's ids) and `counts` (day, channel, author, messages) of the range. */
	private counts(scope: ScopePeople, range: DayRange, liveFrom: string | null): Fragment {
		const sql = this.sql;
		const live = liveFrom
			? sql`
				union all
				select ${utcDay(sql, 'm.accepted_at')} as day, m.channel_id, m.author_id, 1 as messages
				from messages m
				where m.author_id in (select id from people)
					and m.accepted_at >= ${midnight(liveFrom)} and m.accepted_at < ${nextMidnight(range.to)}
					and m.deleted_at is null
					and not exists (
						select 1 from activity_rollup_days r where r.day = ${utcDay(sql, 'm.accepted_at')})`
			: sql``;
		return sql`
			people as (${this.people(scope)}),
			counts as (
				select a.day, a.channel_id, a.author_id, a.messages from activity_daily a
				where a.author_id in (select id from people)
					and a.day between ${range.from}::date and ${range.to}::date
				${live}
			)`;
	}

	/** `people` and `roots` (day, seconds): threads started in the range that got a reply. */
	private roots(scope: ScopePeople, range: DayRange, liveFrom: string | null): Fragment {
		const sql = this.sql;
		const live = liveFrom
			? sql`
				union all
				select day, seconds from (
					select ${utcDay(sql, 'r.accepted_at')} as day,
						extract(epoch from (
							select min(m.accepted_at) from messages m
							where m.thread_id = r.id and m.author_id <> r.author_id and m.deleted_at is null
						) - r.accepted_at)::float8 as seconds
					from messages r
					where r.author_id in (select id from people)
						and r.accepted_at >= ${midnight(liveFrom)} and r.accepted_at < ${nextMidnight(range.to)}
						and r.thread_id is null and r.deleted_at is null
						and not exists (
							select 1 from activity_rollup_days d where d.day = ${utcDay(sql, 'r.accepted_at')})
				) live_roots where seconds is not null`
			: sql``;
		return sql`
			people as (${this.people(scope)}),
			roots as (
				select t.day, t.first_reply_seconds as seconds from activity_thread_roots t
				where t.author_id in (select id from people)
					and t.day between ${range.from}::date and ${range.to}::date
				${live}
			)`;
	}

	private people(scope: ScopePeople): Fragment {
		const sql = this.sql;
		switch (scope.kind) {
			case 'org':
				return sql`select id from users where org_id = ${scope.orgId}`;
			case 'department':
				return sql`
					select id from users where org_id = ${scope.orgId} and (department_id = ${scope.id}
						or team_id in (select id from teams where department_id = ${scope.id}))`;
			case 'team':
				return sql`select id from users where org_id = ${scope.orgId} and team_id = ${scope.id}`;
		}
	}
}
