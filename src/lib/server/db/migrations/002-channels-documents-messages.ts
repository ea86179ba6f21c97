export default `
create table channels (
	id uuid primary key default gen_random_uuid(),
	org_id uuid not null references organizations(id),
	kind text not null check (kind in ('announcements', 'department', 'team', 'project', 'private', 'dm')),
	name text not null,
	topic text not null default '',
	department_id uuid references departments(id),
	team_id uuid references teams(id),
	post_policy text not null default 'members' check (post_policy in ('members', 'moderators')),
	starts_at timestamptz,
	ends_at timestamptz,
	archived_at timestamptz,
	-- Sorted member ids of a direct conversation: starting one with the same people reopens it.
	dm_key text,
	head_shard integer not null default 0,
	created_by uuid references users(id),
	created_at timestamptz not null default now()
);
create index channels_org on channels (org_id);
create unique index channels_department on channels (department_id) where kind = 'department';
create unique index channels_team on channels (team_id) where kind = 'team';
create unique index channels_announcements on channels (org_id) where kind = 'announcements';
create unique index channels_dm_key on channels (org_id, dm_key) where kind = 'dm';

-- Explicit members of project rooms, private groups and direct conversations. Announcements,
-- department and team channels take their members from the org structure instead.
create table channel_members (
	channel_id uuid not null references channels(id),
	user_id uuid not null references users(id),
	added_by uuid references users(id),
	added_at timestamptz not null default now(),
	primary key (channel_id, user_id)
);
create index channel_members_user on channel_members (user_id);

-- Yjs documents: a compacted state plus the updates appended since, each written before the
-- update is acknowledged to its sender.
create table documents (
	name text primary key,
	state bytea not null,
	compacted_seq bigint not null default 0,
	updated_at timestamptz not null default now()
);
create table document_updates (
	seq bigserial primary key,
	name text not null,
	update bytea not null,
	created_at timestamptz not null default now()
);
create index document_updates_name on document_updates (name, seq);

-- The relational record of every message, kept in step with the documents.
create table messages (
	id uuid primary key,
	channel_id uuid not null references channels(id),
	shard integer not null,
	author_id uuid not null references users(id),
	thread_id uuid,
	text text not null,
	mentions jsonb not null default '[]',
	attachments jsonb not null default '[]',
	version integer not null,
	created_at timestamptz not null,
	accepted_at timestamptz not null default now(),
	edited_at timestamptz,
	deleted_at timestamptz,
	deleted_by uuid references users(id),
	search tsvector generated always as (to_tsvector('simple', text)) stored
);
create index messages_channel_time on messages (channel_id, accepted_at);
create index messages_author on messages (author_id);
create index messages_thread on messages (thread_id) where thread_id is not null;
create index messages_search on messages using gin (search);

create table message_versions (
	message_id uuid not null references messages(id),
	version integer not null,
	text text not null,
	recorded_at timestamptz not null default now(),
	deleted boolean not null default false,
	primary key (message_id, version)
);

create table channel_reads (
	channel_id uuid not null references channels(id),
	user_id uuid not null references users(id),
	last_read_message_id uuid,
	last_read_at timestamptz not null,
	primary key (channel_id, user_id)
);
`;
