/**
 * In-app notifications (src/lib/server/notifications/). One row per person, message and reason:
 * the unique index makes creation idempotent, so a replayed update, a reconciled shard or a
 * second process recording the same message adds nothing. An invitation has no message; its
 * key is the conversation. `held_by_dnd` marks what arrived during the person's do-not-disturb
 * hours: stored and counted like the rest, held back by later delivery (email, push).
 */
export default `
create table notifications (
	id uuid primary key default gen_random_uuid(),
	user_id uuid not null references users(id) on delete cascade,
	org_id uuid not null references organizations(id),
	channel_id uuid not null references channels(id),
	message_id uuid,
	thread_id uuid,
	actor_id uuid references users(id),
	reason text not null
		check (reason in ('mention', 'group', 'reply', 'direct', 'invitation')),
	snippet text not null default '',
	held_by_dnd boolean not null default false,
	created_at timestamptz not null default now(),
	read_at timestamptz
);
create unique index notifications_once
	on notifications (user_id, (coalesce(message_id, channel_id)), reason);
create index notifications_unread on notifications (user_id, channel_id) where read_at is null;
create index notifications_recent on notifications (user_id, created_at desc, id desc);

create table notification_preferences (
	user_id uuid primary key references users(id) on delete cascade,
	level text not null default 'all' check (level in ('all', 'mentions', 'nothing')),
	dnd_enabled boolean not null default false,
	dnd_days smallint[] not null default '{1,2,3,4,5}',
	dnd_from text not null default '18:00',
	dnd_to text not null default '09:00',
	time_zone text not null default 'UTC',
	updated_at timestamptz not null default now()
);

create table notification_channel_settings (
	user_id uuid not null references users(id) on delete cascade,
	channel_id uuid not null references channels(id),
	level text not null default 'default'
		check (level in ('default', 'all', 'mentions', 'nothing')),
	muted boolean not null default false,
	primary key (user_id, channel_id)
);

create table thread_follows (
	user_id uuid not null references users(id) on delete cascade,
	channel_id uuid not null references channels(id),
	thread_id uuid not null,
	following boolean not null,
	primary key (user_id, thread_id)
);
create index thread_follows_thread on thread_follows (thread_id) where following;
`;
