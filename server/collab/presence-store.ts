import type { Redis as RedisConnection } from 'ioredis';
import { z } from 'zod';
import {
	combineStatus,
	localStatusSchema,
	parseJsonAs,
	type LocalStatus
} from '#shared/chat/presence.ts';

/** What one process wrote of an organization: when, and its people's statuses. */
const entrySchema = z.object({
	at: z.number(),
	people: z.record(z.string(), localStatusSchema)
});

/**
 * Where each process leaves the statuses of the people connected to it, per organization, and
 * reads everybody's: in memory for one process, in Redis when several act as one.
 */
export interface PresenceStore {
	/** Replaces what this process says of an organization (empty: nobody here). */
	publish(orgId: string, people: ReadonlyMap<string, LocalStatus>): Promise<void>;
	/** Everybody's status in the organization, over every live process. */
	read(orgId: string): Promise<Map<string, LocalStatus>>;
	/** Takes back everything this process said (it is shutting down). */
	withdraw(): Promise<void>;
}

/** One process: what it publishes is all there is. */
export class LocalPresenceStore implements PresenceStore {
	private readonly orgs = new Map<string, ReadonlyMap<string, LocalStatus>>();

	async publish(orgId: string, people: ReadonlyMap<string, LocalStatus>): Promise<void> {
		if (people.size === 0) this.orgs.delete(orgId);
		else this.orgs.set(orgId, new Map(people));
	}

	async read(orgId: string): Promise<Map<string, LocalStatus>> {
		return new Map(this.orgs.get(orgId));
	}

	async withdraw(): Promise<void> {
		this.orgs.clear();
	}
}

/**
 * Several processes: a hash per organization, one field per process holding its people and the
 * moment it wrote them. A process rewrites its field at least every `refreshMs` (the presence
 * extension does), so a field older than `staleMs` belongs to a process that died and is left
 * out; the hash itself expires when nobody writes it any more.
 */
export class RedisPresenceStore implements PresenceStore {
	readonly redis: RedisConnection;
	readonly prefix: string;
	readonly identifier: string;
	readonly staleMs: number;
	private readonly written = new Set<string>();

	constructor(redis: RedisConnection, prefix: string, identifier: string, staleMs = 30_000) {
		this.redis = redis;
		this.prefix = prefix;
		this.identifier = identifier;
		this.staleMs = staleMs;
	}

	private key(orgId: string): string {
		return `${this.prefix}#presence:${orgId}`;
	}

	async publish(orgId: string, people: ReadonlyMap<string, LocalStatus>): Promise<void> {
		const key = this.key(orgId);
		if (people.size === 0) {
			this.written.delete(orgId);
			await this.redis.hdel(key, this.identifier);
			return;
		}
		this.written.add(orgId);
		const value = JSON.stringify({ at: Date.now(), people: Object.fromEntries(people) });
		await this.redis
			.multi()
			.hset(key, this.identifier, value)
			.pexpire(key, this.staleMs * 2)
			.exec();
	}

	async read(orgId: string): Promise<Map<string, LocalStatus>> {
		const fields = await this.redis.hgetall(this.key(orgId));
		const merged = new Map<string, LocalStatus>();
		const oldest = Date.now() - this.staleMs;
		for (const text of Object.values(fields)) {
			const entry = parseJsonAs(entrySchema, text, Number.POSITIVE_INFINITY);
			if (!entry || entry.at < oldest) continue;
			for (const [id, status] of Object.entries(entry.people)) {
				merged.set(id, combineStatus(merged.get(id), status));
			}
		}
		return merged;
	}

	async withdraw(): Promise<void> {
		const orgs = [...this.written];
		this.written.clear();
		await Promise.all(orgs.map((orgId) => this.redis.hdel(this.key(orgId), this.identifier)));
	}
}
