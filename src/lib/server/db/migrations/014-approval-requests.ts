/**
 * Approval workflows (src/lib/server/approvals/): requests that need someone's yes. `approver_id`
 * is the person the request was routed to by org position (the requester's team manager, their
 * department's head, a private group's owner); null routes it to the organization's Super
 * Admins. `payload` holds what the request would do (a project room's name and dates, the text
 * of an announcement), `result_id` what it made once approved (the room, the message), and
 * `effected_at` when that took effect. At most one open request per person and target for
 * joins (a group, the organization): asking twice finds the first.
 */
export default `
create table approval_requests (
	id uuid primary key default gen_random_uuid(),
	org_id uuid not null references organizations(id) on delete cascade,
	kind text not null
		check (kind in ('project_room', 'private_group', 'announcement', 'organization')),
	requester_id uuid not null references users(id) on delete cascade,
	approver_id uuid references users(id) on delete set null,
	approver_role text not null
		check (approver_role in ('team_manager', 'department_head', 'group_owner', 'super_admin')),
	channel_id uuid references channels(id) on delete cascade,
	payload jsonb not null default '{}'::jsonb,
	note text not null default '',
	status text not null default 'pending' check (status in ('pending', 'approved', 'rejected')),
	decided_by uuid references users(id) on delete set null,
	decided_at timestamptz,
	reason text not null default '',
	result_id uuid,
	effected_at timestamptz,
	created_at timestamptz not null default now()
);
create index approval_requests_open on approval_requests (org_id, approver_id, created_at)
	where status = 'pending';
create index approval_requests_requester on approval_requests (requester_id, created_at desc);
create unique index approval_requests_one_join on approval_requests
	(requester_id, kind, (coalesce(channel_id, org_id)))
	where status = 'pending' and kind in ('private_group', 'organization');

alter table notifications drop constraint notifications_reason_check;
alter table notifications add constraint notifications_reason_check
	check (reason in ('mention', 'group', 'reply', 'direct', 'invitation', 'breakout', 'approval'));
`;
