import type { Redis as RedisConnection } from 'ioredis';

/**
 * Who each awareness client id of a document belongs to. Awareness keeps, per client id, the
 * state with the highest clock, so whoever publishes under someone else's id with a clock far
 * ahead silences that person's typing for everyone. The first person to use an id in a document
 * owns it, and the claim must outlive the loaded document (a person's tab keeps its id across
 * reconnections, also after everyone left and the document was unloaded) and be one answer for
 * every process of a cluster (two processes must never give one id to two people).
 */
export interface AwarenessOwners {
	/** The person `clientId` belongs to in the document: `userId` if nobody had it yet. */
	claim(documentName: string, clientId: number, userId: string): Promise<string>;
}

/** Documents whose claims a process keeps in memory; the least recently used go first. */
const REMEMBERED_DOCUMENTS = 20_000;

/** A document's claims in Redis lapse this long after the last claim (tabs rarely live longer). */
const CLAIM_TTL_MS = 30 * 86_400_000;

/** One process: claims per document name, kept after the document unloads. */
export class LocalAwarenessOwners implements AwarenessOwners {
	private readonly documents = new Map<string, Map<number, string>>();
	private readonly limit: number;

	constructor(limit = REMEMBERED_DOCUMENTS) {
		this.limit = limit;
	}

	async claim(documentName: string, clientId: number, userId: string): Promise<string> {
		return this.remember(documentName, clientId, userId);
	}

	/** The owner already known here, if any. */
	known(documentName: string, clientId: number): string | undefined {
		return this.documents.get(documentName)?.get(clientId);
	}

	/** Records `userId` unless the id has an owner; returns the owner. */
	remember(documentName: string, clientId: number, userId: string): string {
		let claims = this.documents.get(documentName);
		if (claims)
			this.documents.delete(documentName); // re-inserted below: most recent last
		else claims = new Map();
		this.documents.set(documentName, claims);
		if (this.documents.size > this.limit) {
			const oldest = this.documents.keys().next().value as string;
			this.documents.delete(oldest);
		}
		const owner = claims.get(clientId);
		if (owner !== undefined) return owner;
		claims.set(clientId, userId);
		return userId;
	}
}

/**
 * Several processes: one Redis hash per document (client id → person), set only if absent, so
 * the first claim anywhere in the cluster wins. Answers are remembered in the process, since an
 * owner never changes: only a client id seen for the first time costs a round trip.
 */
export class RedisAwarenessOwners implements AwarenessOwners {
	private readonly redis: RedisConnection;
	private readonly prefix: string;
	private readonly known = new LocalAwarenessOwners();

	constructor(redis: RedisConnection, prefix: string) {
		this.redis = redis;
		this.prefix = prefix;
	}

	async claim(documentName: string, clientId: number, userId: string): Promise<string> {
		const cached = this.known.known(documentName, clientId);
		if (cached !== undefined) return cached;
		const key = `${this.prefix}#awareness-owners:${documentName}`;
		const field = String(clientId);
		const results = await this.redis
			.multi()
			.hsetnx(key, field, userId)
			.hget(key, field)
			.pexpire(key, CLAIM_TTL_MS)
			.exec();
		const owner = results?.[1]?.[1];
		if (typeof owner !== 'string')
			throw new Error('Redis gave no owner for an awareness client id');
		return this.known.remember(documentName, clientId, owner);
	}
}
