import type { Sql } from '../db/database.ts';

export interface AuditEntry {
	orgId: string;
	actorId: string | null;
	action: string;
	targetType: string;
	targetId: string | null;
	before?: unknown;
	after?: unknown;
}

export interface AuditRow extends AuditEntry {
	id: number;
	actorName: string | null;
	createdAt: Date;
}

export class AuditRepository {
	readonly sql: Sql;
	constructor(sql: Sql) {
		this.sql = sql;
	}

	/** Takes the transaction of the change it records, so both land or neither does. */
	async record(entry: AuditEntry, tx: Sql = this.sql): Promise<void> {
		await tx`
			insert into audit_log (org_id, actor_id, action, target_type, target_id, before, after)
			values (${entry.orgId}, ${entry.actorId}, ${entry.action}, ${entry.targetType},
				${entry.targetId}, ${entry.before === undefined ? null : tx.json(entry.before as never)},
				${entry.after === undefined ? null : tx.json(entry.after as never)})`;
	}

	async list(orgId: string, options: { limit: number; beforeId?: number }): Promise<AuditRow[]> {
		const rows = await this.sql<Record<string, unknown>[]>`
			select a.id, a.org_id, a.actor_id, u.name as actor_name, a.action, a.target_type,
				a.target_id, a.before, a.after, a.created_at
			from audit_log a left join users u on u.id = a.actor_id
			where a.org_id = ${orgId} ${options.beforeId ? this.sql`and a.id < ${options.beforeId}` : this.sql``}
			order by a.id desc limit ${options.limit}`;
		return rows.map((row) => ({
			id: row.id as number,
			orgId: row.org_id as string,
			actorId: row.actor_id as string | null,
			actorName: row.actor_name as string | null,
			action: row.action as string,
			targetType: row.target_type as string,
			targetId: row.target_id as string | null,
			before: row.before ?? undefined,
			after: row.after ?? undefined,
			createdAt: row.created_at as Date
		}));
	}
}
