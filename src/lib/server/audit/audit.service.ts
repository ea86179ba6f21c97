import { forbidden } from '../errors.ts';
import { policy, type Actor } from '#shared/policy.ts';
import type { AuditEntry, AuditQuery } from '#shared/api/org.schema.ts';
import type { AuditRepository } from './audit.repository.ts';

export class AuditService {
	readonly audit: AuditRepository;
	constructor(audit: AuditRepository) {
		this.audit = audit;
	}

	async list(actor: Actor, query: AuditQuery): Promise<AuditEntry[]> {
		if (!policy.viewAuditLog(actor, { id: actor.orgId })) throw forbidden();
		const rows = await this.audit.list(actor.orgId, { limit: query.limit, beforeId: query.before });
		return rows.map((row) => ({
			id: row.id,
			actorId: row.actorId,
			actorName: row.actorName,
			action: row.action,
			targetType: row.targetType,
			targetId: row.targetId,
			before: row.before,
			after: row.after,
			createdAt: row.createdAt.toISOString()
		}));
	}
}
