/**
 * Each person's live feed (src/lib/shared/feed/feed-event.ts): the events of their world, each
 * with a seq of its own that only grows. `feed_heads` holds each person's last seq; taking the
 * next one locks that row until the change commits, so one person's events commit in the order
 * of their seqs and a reader never passes over one that commits later. Only the newest events
 * of each person are kept (feed.repository.ts); older gaps are answered with a reset.
 */
export default `
create table feed_heads (
	user_id uuid primary key references users(id) on delete cascade,
	seq bigint not null
);
create table feed_events (
	user_id uuid not null references users(id) on delete cascade,
	seq bigint not null,
	kind text not null,
	data jsonb not null,
	created_at timestamptz not null default now(),
	primary key (user_id, seq)
);
`;
