import type { Database, Sql } from './db/database.ts';
import type { AuditEntry, AuditRepository } from './audit/audit.repository.ts';
import type { DomainEvents } from './events.ts';
import type { Actor } from '#shared/policy.ts';

/** What every domain service changes and reports through; app-context.ts makes one of each. */
export interface DomainParts {
	database: Database;
	audit: AuditRepository;
	events: DomainEvents;
}

/**
 * The common ground of the domain services: each writes to the database, records who changed
 * what in the audit log within the same transaction, and tells the rest of the process.
 */
export abstract class DomainService {
	readonly database: Database;
	readonly audit: AuditRepository;
	readonly events: DomainEvents;

	constructor(parts: DomainParts) {
		this.database = parts.database;
		this.audit = parts.audit;
		this.events = parts.events;
	}

	/** Records the actor's change in the audit log inside the change's transaction `sql`. */
	protected audited(sql: Sql, actor: Actor, change: Omit<AuditEntry, 'orgId' | 'actorId'>) {
		return this.audit.record({ orgId: actor.orgId, actorId: actor.id, ...change }, sql);
	}
}
