/**
 * Compliance exports and self-exports (src/lib/server/exports/, issue 18): one row per export
 * asked for: its scope (a channel or a person), period, formats, whether files go with it, its
 * progress while the job runs, and the stored ZIP once it is done. The two indexes let the job
 * read a channel's or a person's messages in (accepted_at, id) order a page at a time.
 */
export default `
create table exports (
	id uuid primary key,
	org_id uuid not null references organizations(id),
	requested_by uuid not null references users(id),
	-- 'channel' or 'person'; a person exporting their own messages is 'person' with self = true.
	scope_kind text not null check (scope_kind in ('channel', 'person')),
	channel_id uuid references channels(id),
	person_id uuid references users(id),
	self boolean not null default false,
	scope_name text not null,
	-- Days, both included (UTC); null: from the first message, or up to now.
	from_day date,
	to_day date,
	formats text[] not null,
	include_files boolean not null default false,
	status text not null default 'queued' check (status in ('queued', 'running', 'done', 'failed')),
	total_messages integer,
	done_messages integer not null default 0,
	files integer not null default 0,
	storage_key text,
	bytes bigint,
	error text,
	created_at timestamptz not null default now(),
	finished_at timestamptz,
	check ((scope_kind = 'channel') = (channel_id is not null)),
	check ((scope_kind = 'person') = (person_id is not null))
);
create index exports_requested_by on exports (requested_by, created_at desc);

create index messages_channel_export on messages (channel_id, accepted_at, id);
create index messages_author_export on messages (author_id, accepted_at, id);
create index files_message on files (message_id) where message_id is not null;
`;
