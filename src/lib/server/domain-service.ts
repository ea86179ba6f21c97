import { Wired } from '#shared/wired.ts';
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
 * what in the audit log within the same transaction, and tells the rest of the process. It keeps
 * every part it is given under its own name (a subclass's own parts too, see `DomainServiceWith`).
 */
export abstract class DomainService extends Wired<DomainParts>() {
	/** Records the actor's change in the audit log inside the change's transaction `sql`. */
	protected audited(sql: Sql, actor: Actor, change: Omit<AuditEntry, 'orgId' | 'actorId'>) {
		return this.audit.record({ orgId: actor.orgId, actorId: actor.id, ...change }, sql);
	}
}

/**
 * The base of a domain service with parts of its own besides the common ones, each kept read-only
 * under its own name: `class X extends DomainServiceWith<{ people: PeopleRepository }>() {}`.
 */
export function DomainServiceWith<Parts extends object>() {
	return DomainService as unknown as abstract new (
		parts: DomainParts & Parts
	) => DomainService & Readonly<Parts>;
}
