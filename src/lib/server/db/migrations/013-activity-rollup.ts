/**
 * The manager dashboard's daily rollup (src/lib/server/dashboard/, issue 18). Finished UTC days
 * are rolled up by the `dashboard.rollup` job so that a dashboard over months reads thousands of
 * rows, not millions of messages; days not rolled up yet (today, or a day the job has not reached)
 * are counted from `messages` directly. No foreign keys: retention deletes messages and these
 * rows are figures, not references.
 */
export default `
-- Messages per UTC day (of accepted_at), channel and author; deleted messages are not counted.
create table activity_daily (
	day date not null,
	org_id uuid not null,
	channel_id uuid not null,
	author_id uuid not null,
	messages integer not null,
	primary key (day, channel_id, author_id)
);
create index activity_daily_author_day on activity_daily (author_id, day);

-- Thread roots that got a reply from someone else, with the delay of the first such reply.
create table activity_thread_roots (
	root_id uuid primary key,
	org_id uuid not null,
	channel_id uuid not null,
	author_id uuid not null,
	-- The UTC day of the root.
	day date not null,
	first_reply_seconds double precision not null
);
create index activity_thread_roots_author_day on activity_thread_roots (author_id, day);

-- The days rolled up; any other day is counted live.
create table activity_rollup_days (
	day date primary key,
	rolled_up_at timestamptz not null default now()
);

-- Live figures read messages by time across channels (today, days the job has not reached).
create index messages_accepted_at on messages (accepted_at);
`;
