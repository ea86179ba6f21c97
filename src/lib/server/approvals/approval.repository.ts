import type { Sql } from '../db/database.ts';
import type { ApprovalKind, ApprovalStatus, ApproverRole } from '#shared/api/approvals.schema.ts';

/** A stored request (migration 014) with the names the answer shows. */
export interface ApprovalRow {
	id: string;
	orgId: string;
	kind: ApprovalKind;
	requesterId: string;
	requesterName: string;
	requesterTitle: string;
	requesterEmail: string;
	requesterStatus: string;
	approverId: string | null;
	approverName: string | null;
	approverRole: ApproverRole;
	channelId: string | null;
	channelName: string | null;
	payload: Record<string, unknown>;
	note: string;
	status: ApprovalStatus;
	decidedBy: string | null;
	decidedByName: string | null;
	decidedAt: Date | null;
	reason: string;
	resultId: string | null;
	effectedAt: Date | null;
	createdAt: Date;
}

export interface NewApproval {
	orgId: string;
	kind: ApprovalKind;
	requesterId: string;
	approverId: string | null;
	approverRole: ApproverRole;
	channelId: string | null;
	payload: Record<string, unknown>;
	note: string;
}

const columns = (sql: Sql) => sql`
	r.id, r.org_id as "orgId", r.kind, r.requester_id as "requesterId",
	q.name as "requesterName", q.title as "requesterTitle", q.email as "requesterEmail",
	q.status as "requesterStatus", r.approver_id as "approverId", a.name as "approverName",
	r.approver_role as "approverRole", r.channel_id as "channelId", c.name as "channelName",
	r.payload, r.note, r.status, r.decided_by as "decidedBy", d.name as "decidedByName",
	r.decided_at as "decidedAt", r.reason, r.result_id as "resultId",
	r.effected_at as "effectedAt", r.created_at as "createdAt"`;

const joins = (sql: Sql) => sql`
	from approval_requests r
	join users q on q.id = r.requester_id
	left join users a on a.id = r.approver_id
	left join users d on d.id = r.decided_by
	left join channels c on c.id = r.channel_id`;

/** Open requests the person decides: routed to them, or to the Super Admins when they are one. */
/** A piece of a query (a condition, an order). */
type Fragment = ReturnType<typeof joins>;

const decidable = (sql: Sql, orgId: string, approverId: string, superAdmin: boolean) => sql`
	r.org_id = ${orgId} and r.status = 'pending'
	and (r.approver_id = ${approverId} ${superAdmin ? sql`or r.approver_id is null` : sql``})
	and r.requester_id <> ${approverId}
	and (r.kind <> 'organization' or q.status = 'pending')`;

/** Approval requests: all I/O of the approvals module that is its own. */
export class ApprovalRepository {
	readonly sql: Sql;
	constructor(sql: Sql) {
		this.sql = sql;
	}

	/** Stores a request; null when an open one for the same join exists (the unique index). */
	async insert(request: NewApproval, tx: Sql = this.sql): Promise<string | null> {
		const [row] = await tx<{ id: string }[]>`
			insert into approval_requests (org_id, kind, requester_id, approver_id, approver_role,
				channel_id, payload, note)
			values (${request.orgId}, ${request.kind}, ${request.requesterId}, ${request.approverId},
				${request.approverRole}, ${request.channelId}, ${tx.json(request.payload as never)},
				${request.note})
			on conflict do nothing
			returning id`;
		return row?.id ?? null;
	}

	async find(id: string, tx: Sql = this.sql): Promise<ApprovalRow | null> {
		const [row] = await tx<ApprovalRow[]>`select ${columns(tx)} ${joins(tx)} where r.id = ${id}`;
		return row ?? null;
	}

	/** Locks the request for a decision inside `tx`; answers its status now. */
	async lock(id: string, tx: Sql): Promise<ApprovalStatus | null> {
		const [row] = await tx<{ status: ApprovalStatus }[]>`
			select status from approval_requests where id = ${id} for update`;
		return row?.status ?? null;
	}

	/** The open request of this person for this join (a group, the organization), if any. */
	async openJoin(
		requesterId: string,
		kind: 'private_group' | 'organization',
		channelId: string | null,
		tx: Sql = this.sql
	): Promise<string | null> {
		const [row] = await tx<{ id: string }[]>`
			select id from approval_requests
			where requester_id = ${requesterId} and kind = ${kind} and status = 'pending'
				and channel_id is not distinct from ${channelId}`;
		return row?.id ?? null;
	}

	/**
	 * Open requests the person decides, oldest first. A request to join the organization whose
	 * person is no longer waiting (approved on the people page, deactivated) is not listed.
	 */
	pendingFor(orgId: string, approverId: string, superAdmin: boolean): Promise<ApprovalRow[]> {
		const sql = this.sql;
		return this.list(decidable(sql, orgId, approverId, superAdmin), sql`r.created_at, r.id`, 200);
	}

	/** How many `pendingFor` lists (the navigation's badge). */
	async pendingCount(orgId: string, approverId: string, superAdmin: boolean): Promise<number> {
		const sql = this.sql;
		const [row] = await sql<{ n: number }[]>`
			select count(*)::int as n from approval_requests r
			join users q on q.id = r.requester_id
			where ${decidable(sql, orgId, approverId, superAdmin)}`;
		return row?.n ?? 0;
	}

	/** What the person decided lately, newest first. */
	decidedBy(deciderId: string, limit = 50): Promise<ApprovalRow[]> {
		const sql = this.sql;
		return this.list(sql`r.decided_by = ${deciderId}`, sql`r.decided_at desc, r.id desc`, limit);
	}

	byRequester(requesterId: string, limit = 100): Promise<ApprovalRow[]> {
		const sql = this.sql;
		return this.list(
			sql`r.requester_id = ${requesterId}`,
			sql`r.created_at desc, r.id desc`,
			limit
		);
	}

	/** Requests as the lists show them: those `where` keeps, in `order`, at most `limit`. */
	private list(where: Fragment, order: Fragment, limit: number): Promise<ApprovalRow[]> {
		const sql = this.sql;
		return sql<ApprovalRow[]>`
			select ${columns(sql)} ${joins(sql)} where ${where} order by ${order} limit ${limit}`;
	}

	async decide(
		id: string,
		decision: {
			status: 'approved' | 'rejected';
			decidedBy: string;
			reason: string;
			resultId: string | null;
			effected: boolean;
		},
		tx: Sql
	): Promise<void> {
		await tx`
			update approval_requests set status = ${decision.status}, decided_by = ${decision.decidedBy},
				decided_at = now(), reason = ${decision.reason}, result_id = ${decision.resultId},
				effected_at = ${decision.effected ? tx`now()` : tx`null`}
			where id = ${id}`;
	}

	/** An approved request took effect later (an announcement published by the job). */
	async markEffected(id: string, resultId: string, tx: Sql = this.sql): Promise<void> {
		await tx`
			update approval_requests set effected_at = coalesce(effected_at, now()),
				result_id = ${resultId}
			where id = ${id}`;
	}

	/** Active people of the organization in this role at this team or department, by name. */
	async approversAt(
		orgId: string,
		role: 'team_manager' | 'department_head',
		placeId: string,
		tx: Sql = this.sql
	): Promise<string[]> {
		const place = role === 'team_manager' ? tx`team_id` : tx`department_id`;
		const rows = await tx<{ id: string }[]>`
			select id from users
			where org_id = ${orgId} and status = 'active' and role = ${role} and ${place} = ${placeId}
			order by lower(name), id`;
		return rows.map((row) => row.id);
	}

	/** Whether the person is an active Super Admin of the organization. */
	async isActiveSuperAdmin(orgId: string, userId: string, tx: Sql = this.sql): Promise<boolean> {
		const rows = await tx`
			select 1 from users where id = ${userId} and org_id = ${orgId}
				and role = 'super_admin' and status = 'active'`;
		return rows.length > 0;
	}

	/** The organization's active Super Admins (those a request routed to "the Super Admins" waits for). */
	async activeSuperAdmins(orgId: string, tx: Sql = this.sql): Promise<string[]> {
		const rows = await tx<{ id: string }[]>`
			select id from users where org_id = ${orgId} and role = 'super_admin' and status = 'active'`;
		return rows.map((row) => row.id);
	}

	/** The organization's announcements channel. */
	async announcementsChannel(orgId: string, tx: Sql = this.sql): Promise<string | null> {
		const [row] = await tx<{ id: string }[]>`
			select id from channels where org_id = ${orgId} and kind = 'announcements'
			order by created_at limit 1`;
		return row?.id ?? null;
	}
}
