export default `
create table organizations (
	id uuid primary key default gen_random_uuid(),
	name text not null,
	join_code text not null unique,
	join_code_enabled boolean not null default true,
	require_approval boolean not null default false,
	created_at timestamptz not null default now()
);

create table departments (
	id uuid primary key default gen_random_uuid(),
	org_id uuid not null references organizations(id),
	name text not null,
	archived_at timestamptz,
	created_at timestamptz not null default now()
);
create index departments_org on departments (org_id);
create unique index departments_org_name on departments (org_id, lower(name)) where archived_at is null;

create table teams (
	id uuid primary key default gen_random_uuid(),
	org_id uuid not null references organizations(id),
	department_id uuid not null references departments(id),
	name text not null,
	archived_at timestamptz,
	created_at timestamptz not null default now()
);
create index teams_department on teams (department_id);
create unique index teams_department_name on teams (department_id, lower(name)) where archived_at is null;

create table users (
	id uuid primary key default gen_random_uuid(),
	org_id uuid not null references organizations(id),
	email text not null,
	name text not null,
	title text not null default '',
	password_hash text not null,
	role text not null default 'team_member'
		check (role in ('super_admin', 'department_head', 'team_manager', 'team_member')),
	department_id uuid references departments(id),
	team_id uuid references teams(id),
	status text not null default 'active' check (status in ('active', 'pending', 'deactivated')),
	created_at timestamptz not null default now(),
	updated_at timestamptz not null default now()
);
create unique index users_email on users (lower(email));
create index users_org on users (org_id);
create index users_team on users (team_id);
create index users_department on users (department_id);

-- Lucia's scheme: the id is the SHA-256 of the token the browser holds; the token is never stored.
create table sessions (
	id text primary key,
	user_id uuid not null references users(id),
	expires_at timestamptz not null,
	created_at timestamptz not null default now(),
	last_seen_at timestamptz not null default now(),
	user_agent text not null default '',
	ip text not null default ''
);
create index sessions_user on sessions (user_id);

create table sign_in_failures (
	key text primary key,
	failures integer not null,
	first_failed_at timestamptz not null,
	last_failed_at timestamptz not null
);

create table audit_log (
	id bigserial primary key,
	org_id uuid not null references organizations(id),
	actor_id uuid references users(id),
	action text not null,
	target_type text not null,
	target_id text,
	before jsonb,
	after jsonb,
	created_at timestamptz not null default now()
);
create index audit_log_org_time on audit_log (org_id, created_at desc);
`;
