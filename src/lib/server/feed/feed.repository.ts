import type { Sql } from '../db/database.ts';

/** One stored event of a person's feed. */
export interface FeedRow {
	seq: number;
	at: Date;
	kind: string;
	data: unknown;
}

export interface NewFeedEvent {
	userId: string;
	kind: string;
	data: unknown;
}

/** The events of each person's feed and their seqs (migration 005). */
export class FeedRepository {
	readonly sql: Sql;
	/** Events kept per person: a client further behind than this is told to reset. */
	readonly keep: number;

	constructor(sql: Sql, keep = 500) {
		this.sql = sql;
		this.keep = keep;
	}

	/**
	 * Appends events, each person's in the given order, with the next seqs of that person; drops
	 * what falls out of the kept window. Run inside the change's own transaction: the heads stay
	 * locked until it commits, so a person's events commit in the order of their seqs.
	 */
	async append(events: NewFeedEvent[], tx: Sql = this.sql): Promise<void> {
		if (events.length === 0) return;
		const counts = new Map<string, number>();
		for (const { userId } of events) counts.set(userId, (counts.get(userId) ?? 0) + 1);
		// In one order for every transaction, so that two of them never wait for each other.
		const heads = [...counts].sort(([a], [b]) => (a < b ? -1 : 1));
		const rows = heads.map(([user_id, seq]) => ({ user_id, seq }));
		const updated = await tx<{ userId: string; seq: number }[]>`
			insert into feed_heads ${tx(rows, 'user_id', 'seq')}
			on conflict (user_id) do update set seq = feed_heads.seq + excluded.seq
			returning user_id as "userId", seq`;
		const next = new Map(updated.map(({ userId, seq }) => [userId, seq - counts.get(userId)!]));
		const stored = events.map(({ userId, kind, data }) => {
			const seq = next.get(userId)! + 1;
			next.set(userId, seq);
			return { user_id: userId, seq, kind, data: tx.json(data as never) };
		});
		await tx`insert into feed_events ${tx(stored, 'user_id', 'seq', 'kind', 'data')}`;
		const ids = updated.map(({ userId }) => userId);
		await tx`
			delete from feed_events e using feed_heads h
			where h.user_id in ${tx(ids)} and e.user_id = h.user_id and e.seq <= h.seq - ${this.keep}`;
	}

	/** The person's last seq (0 before their first event). */
	async head(userId: string): Promise<number> {
		const [row] = await this.sql<{ seq: number }[]>`
			select seq from feed_heads where user_id = ${userId}`;
		return row?.seq ?? 0;
	}

	/**
	 * Several people's events at once, each person's after their own seq, oldest first, at most
	 * `limit` each (seqs of one person follow one another, so a range of seqs is a limit).
	 */
	async afterMany(
		from: Map<string, number>,
		limit: number
	): Promise<(FeedRow & { userId: string })[]> {
		if (from.size === 0) return [];
		const ids = [...from.keys()];
		const afters = ids.map((id) => from.get(id)!);
		return this.sql<(FeedRow & { userId: string })[]>`
			select e.user_id as "userId", e.seq, e.created_at as at, e.kind, e.data
			from feed_events e
			join unnest(${ids}::uuid[], ${afters}::bigint[]) as w(user_id, after)
				on e.user_id = w.user_id and e.seq > w.after and e.seq <= w.after + ${limit}
			order by e.user_id, e.seq`;
	}

	/** The person's events after `after`, oldest first, at most `limit`. */
	async after(userId: string, after: number, limit: number): Promise<FeedRow[]> {
		return this.sql<FeedRow[]>`
			select seq, created_at as at, kind, data from feed_events
			where user_id = ${userId} and seq > ${after}
			order by seq limit ${limit}`;
	}
}
