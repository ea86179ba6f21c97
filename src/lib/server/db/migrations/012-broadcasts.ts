/**
 * Emergency broadcasts (src/lib/server/broadcasts/, issue 18): an urgent message from a Super
 * Admin to the organization or a department, or from a Department Head to their department.
 * Its recipients are fixed when it is sent (the active people of its scope), each with the
 * moment they acknowledged it and how often they were told; the re-notify job tells again those
 * who have not acknowledged, every `renotify_minutes`, at most `max_notices` times in all.
 */
export default `
create table broadcasts (
	id uuid primary key,
	org_id uuid not null references organizations(id),
	sender_id uuid not null references users(id),
	-- Null: the whole organization.
	department_id uuid references departments(id),
	title text not null,
	body text not null,
	renotify_minutes integer check (renotify_minutes is null or renotify_minutes between 1 and 1440),
	created_at timestamptz not null default now()
);
create index broadcasts_org on broadcasts (org_id, created_at desc);

create table broadcast_recipients (
	broadcast_id uuid not null references broadcasts(id),
	user_id uuid not null references users(id),
	acknowledged_at timestamptz,
	notices integer not null default 1,
	last_noticed_at timestamptz not null default now(),
	primary key (broadcast_id, user_id)
);
create index broadcast_recipients_waiting on broadcast_recipients (user_id)
	where acknowledged_at is null;
`;
