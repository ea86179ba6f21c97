/**
 * Breakout rooms (src/lib/server/breakouts/, issue 17). A breakout is a row of `channels` of kind
 * 'breakout' (its title is the name, its creator `created_by`, its start and end `starts_at` and
 * `ends_at`, its participants `channel_members`), so the message record, search, read marks,
 * the feed and the end of project rooms (read-only at `ends_at`) work for it unchanged. What only
 * a breakout has lives in `breakouts`: its parent channel, agenda, state and the version of its
 * timer, which the end job compares so that an extended or ended room's old timer does nothing.
 */
export default `
alter table channels drop constraint channels_kind_check;
alter table channels add constraint channels_kind_check
	check (kind in ('announcements', 'department', 'team', 'project', 'private', 'dm', 'breakout'));

create table breakouts (
	channel_id uuid primary key references channels(id),
	parent_id uuid not null references channels(id),
	org_id uuid not null references organizations(id),
	agenda text not null default '',
	state text not null default 'running' check (state in ('running', 'ended')),
	-- Raised by every extension and early end: a timer job of an older version does nothing.
	timer_version integer not null default 0,
	ended_at timestamptz,
	-- The summary posted in the parent once the room ended (null until then).
	summary text,
	summarized_at timestamptz
);
create index breakouts_parent on breakouts (parent_id);

alter table notifications drop constraint notifications_reason_check;
alter table notifications add constraint notifications_reason_check
	check (reason in ('mention', 'group', 'reply', 'direct', 'invitation', 'breakout'));
`;
