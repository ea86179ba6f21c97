/**
 * Retention and legal hold (src/lib/server/retention/, issue 18).
 *
 * - `retention_rules`: the organization's rule (channel_id null) and channels' own rules. No
 *   row: the organization keeps forever, a channel follows the organization. `keep_days` null:
 *   keep forever.
 * - `legal_holds`: a person or a channel whose messages are never deleted while the hold stands
 *   (`lifted_at` null). Lifted holds stay for the record.
 * - `retention_runs`: each run of the nightly job per organization, with what it deleted.
 */
export default `
create table retention_rules (
	org_id uuid not null references organizations(id),
	channel_id uuid references channels(id) on delete cascade,
	keep_days integer check (keep_days is null or keep_days between 1 and 36500),
	updated_by uuid references users(id),
	updated_at timestamptz not null default now()
);
create unique index retention_rules_org on retention_rules (org_id) where channel_id is null;
create unique index retention_rules_channel on retention_rules (channel_id) where channel_id is not null;

create table legal_holds (
	id uuid primary key,
	org_id uuid not null references organizations(id),
	user_id uuid references users(id),
	channel_id uuid references channels(id),
	reason text not null,
	placed_by uuid references users(id),
	placed_at timestamptz not null default now(),
	lifted_by uuid references users(id),
	lifted_at timestamptz,
	check ((user_id is null) <> (channel_id is null))
);
create index legal_holds_standing on legal_holds (org_id) where lifted_at is null;

create table retention_runs (
	id uuid primary key,
	org_id uuid not null references organizations(id),
	started_at timestamptz not null default now(),
	finished_at timestamptz,
	messages_deleted integer not null default 0,
	files_deleted integer not null default 0
);
create index retention_runs_org on retention_runs (org_id, started_at desc);
`;
