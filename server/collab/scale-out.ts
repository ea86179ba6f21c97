import { randomUUID } from 'node:crypto';
import * as Y from 'yjs';
import { Redis as RedisExtension } from '@hocuspocus/extension-redis';
import type { Extension } from '@hocuspocus/server';
import { Redis as RedisConnection, type RedisOptions } from 'ioredis';
import type { AppContext } from '#server/app-context.ts';
import type { Sql } from '#server/db/database.ts';
import { DocumentRepository } from '#server/documents/document.repository.ts';
import type { DomainEventMap, DomainEvents } from '#server/events.ts';
import { RedisPresenceStore, type PresenceStore } from './presence-store.ts';
import { RedisAwarenessOwners, type AwarenessOwners } from './awareness-owners.ts';
import { logger } from '#server/logging/logger.ts';

/**
 * Several ConnectFlow processes behind one load balancer, coordinated through Redis (switched
 * on by REDIS_URL, off otherwise):
 *
 * - Documents: `@hocuspocus/extension-redis` makes every process that has a document open
 *   apply every update of it and relays awareness (presence, typing). Each process persists
 *   only the client updates it received itself (the ingest extension appends in
 *   `beforeSync`, which never runs for updates arriving from Redis) and stamps only those, so
 *   every update is appended and accepted once, by the process its sender is connected to.
 * - Awareness client ids: the first person to use one in a document owns it in every process
 *   (a Redis hash per document, awareness-owners.ts).
 * - Presence: each process keeps its people's statuses in a Redis hash per organization and
 *   reads everybody's from it (presence-store.ts, presence.extension.ts).
 * - Domain events (`person.changed`, `structure.changed`, `channel.changed`,
 *   `sessions.ended`, `feed.appended`) are relayed to every other process, so each process's
 *   access watcher closes its own connections that lost access and its feed extension sends
 *   its own connections their new feed events (appended once, by the process that made the
 *   change).
 * - Compaction merges with what is stored (another process may have compacted updates this
 *   process has not applied yet), see SharedDocumentRepository.
 * - Work that must happen once per cluster takes a Redis lock: the repair work done when a
 *   document loads (stamping messages a crash left unstamped, reconciling the message record)
 *   runs only in a process that finds no other process holding the document; `runExclusive`
 *   and `every` are there for timers and background jobs.
 *
 * REDIS_URL is `redis[s]://[user:password@]host:port[/db][?prefix=name]`; `prefix` (default
 * `connectflow`) namespaces every key and channel, so deployments (or test runs) sharing one
 * Redis stay apart.
 */

export const RELAYED_EVENTS = [
	'person.changed',
	'structure.changed',
	'channel.changed',
	'sessions.ended',
	'feed.appended'
] as const satisfies readonly (keyof DomainEventMap)[];

type RelayedEvent = (typeof RELAYED_EVENTS)[number];

/** Longest a document's load-time repair work keeps other processes out (if its process dies). */
const LOAD_WORK_CLAIM_MS = 30_000;

export interface RedisTarget {
	host: string;
	port: number;
	options: RedisOptions;
	prefix: string;
}

export function parseRedisUrl(value: string): RedisTarget {
	const url = new URL(value);
	if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
		throw new Error(`REDIS_URL must start with redis:// or rediss://, not ${url.protocol}`);
	}
	const db = url.pathname.replace(/^\//, '');
	const options: RedisOptions = {
		...(url.username ? { username: decodeURIComponent(url.username) } : {}),
		...(url.password ? { password: decodeURIComponent(url.password) } : {}),
		...(db ? { db: Number(db) } : {}),
		...(url.protocol === 'rediss:' ? { tls: {} } : {})
	};
	const prefix = url.searchParams.get('prefix')?.trim() || 'connectflow';
	if (!/^[\w.-]{1,64}$/.test(prefix)) throw new Error('REDIS_URL prefix: letters, digits, . _ -');
	return { host: url.hostname || '127.0.0.1', port: Number(url.port || 6379), options, prefix };
}

export interface ScaleOut {
	readonly prefix: string;
	readonly identifier: string;
	/** The Hocuspocus extensions to add to the collaboration server. */
	readonly extensions: Extension[];
	/** Where presence is shared between the processes. */
	readonly presence: PresenceStore;
	/** Who each awareness client id belongs to, one answer for every process. */
	readonly awarenessOwners: AwarenessOwners;
	/** The document store to use when several processes share the database. */
	documents(sql: Sql): DocumentRepository;
	/**
	 * Runs a document's load-time repair work (stamping what a crash left unstamped, reconciling
	 * the record) unless another process has the document open (its own acceptance covers what
	 * it received) or is loading it at the same moment (it does the repair).
	 */
	loadWork(documentName: string, work: () => Promise<void>): Promise<void>;
	/** Runs `work` if no other process is running work of that name; false if skipped. */
	runExclusive(name: string, ttlMs: number, work: () => Promise<void>): Promise<boolean>;
	/** Runs `work` every interval in one process of the cluster; returns the stop function. */
	every(name: string, intervalMs: number, work: () => Promise<void>): () => void;
	close(): Promise<void>;
}

/** Scale-out through Redis when REDIS_URL is set; null for a single process. */
export function createScaleOut(app: AppContext): ScaleOut | null {
	if (!app.config.REDIS_URL) return null;
	const target = parseRedisUrl(app.config.REDIS_URL);
	const identifier = `connectflow-${process.pid}-${randomUUID().slice(0, 8)}`;
	const extension = new RedisExtension({
		host: target.host,
		port: target.port,
		options: target.options,
		prefix: target.prefix,
		identifier
	});
	const pub = extension.pub as RedisConnection;
	reportErrors(pub, 'publisher');
	reportErrors(extension.sub as RedisConnection, 'subscriber');
	// Ready only while Redis answers (GET /readyz, ops/readiness.ts).
	app.readiness.probe('redis', () => pub.ping());
	const relay = new EventRelay(app.events, pub, target.prefix, identifier);
	const timers = new Set<() => void>();
	const locks = new Locks(pub, target.prefix);
	return {
		prefix: target.prefix,
		identifier,
		extensions: [extension],
		presence: new RedisPresenceStore(pub, target.prefix, identifier),
		awarenessOwners: new RedisAwarenessOwners(pub, target.prefix),
		documents: (sql) => new SharedDocumentRepository(sql),
		async loadWork(documentName, work) {
			let subscribers: number;
			try {
				const [, count] = (await pub.pubsub('NUMSUB', `${target.prefix}:${documentName}`)) as [
					string,
					number | string
				];
				subscribers = Number(count);
			} catch (error) {
				logger.error({ err: error }, 'Redis unavailable; doing the load work here');
				await work();
				return;
			}
			if (subscribers > 0) return;
			await locks.runExclusive(`load:${documentName}`, LOAD_WORK_CLAIM_MS, work);
		},
		runExclusive: (name, ttlMs, work) => locks.runExclusive(name, ttlMs, work),
		every(name, intervalMs, work) {
			const timer = setInterval(() => {
				// The lock is not released: it lapses with the interval, so one process per period.
				void locks
					.acquire(`every:${name}`, Math.max(100, intervalMs - 50))
					.then((token) => (token ? work() : undefined))
					.catch((error) => logger.error({ err: error }, `periodic ${name} failed`));
			}, intervalMs);
			timer.unref();
			const stop = () => {
				clearInterval(timer);
				timers.delete(stop);
			};
			timers.add(stop);
			return stop;
		},
		async close() {
			for (const stop of [...timers]) stop();
			await relay.stop();
			await extension.onDestroy();
		}
	};
}

/**
 * Relays domain events between processes. A process that changes people, structure, channels
 * or sessions emits the event locally (its own watcher reacts at once) and publishes it; every
 * other process re-emits it locally. Re-emitted events are not published again.
 */
export class EventRelay {
	readonly events: DomainEvents;
	readonly pub: RedisConnection;
	readonly sub: RedisConnection;
	readonly channel: string;
	readonly identifier: string;
	/** Resolves once this process receives the other processes' events. */
	readonly ready: Promise<void>;
	private replaying = false;
	private unsubscribe: (() => void)[] = [];

	constructor(events: DomainEvents, pub: RedisConnection, prefix: string, identifier: string) {
		this.events = events;
		this.pub = pub;
		this.sub = pub.duplicate();
		reportErrors(this.sub, 'event subscriber');
		this.channel = `${prefix}#events`;
		this.identifier = identifier;
		this.sub.on('message', (channel: string, text: string) => {
			if (channel === this.channel) this.receive(text);
		});
		this.ready = this.sub.subscribe(this.channel).then(() => undefined);
		this.ready.catch((error) => logger.error({ err: error }, 'event relay subscribe failed'));
		for (const name of RELAYED_EVENTS) {
			this.unsubscribe.push(
				events.on(name, (payload) => {
					if (this.replaying) return;
					const message = JSON.stringify({ from: this.identifier, name, payload });
					this.pub.publish(this.channel, message).catch((error) => {
						logger.error({ err: error }, `could not relay ${name}`);
					});
				})
			);
		}
	}

	private receive(text: string): void {
		let message: { from?: unknown; name?: unknown; payload?: unknown };
		try {
			message = JSON.parse(text) as typeof message;
		} catch {
			return;
		}
		if (message.from === this.identifier) return;
		if (!RELAYED_EVENTS.includes(message.name as RelayedEvent)) return;
		if (!message.payload || typeof message.payload !== 'object') return;
		const name = message.name as RelayedEvent;
		this.replaying = true;
		try {
			this.events.emit(name, message.payload as DomainEventMap[typeof name]);
		} finally {
			this.replaying = false;
		}
	}

	async stop(): Promise<void> {
		for (const off of this.unsubscribe) off();
		this.unsubscribe = [];
		this.sub.disconnect(false);
	}
}

/**
 * For a process that changes data but serves no connections (a script, an admin job, a test
 * setup): relays its domain events to the processes that do. Stop it before exiting.
 */
export async function startEventRelay(
	events: DomainEvents,
	redisUrl: string
): Promise<{ stop(): Promise<void> }> {
	const target = parseRedisUrl(redisUrl);
	const pub = new RedisConnection(target.port, target.host, target.options);
	reportErrors(pub, 'event publisher');
	const relay = new EventRelay(events, pub, target.prefix, `connectflow-${randomUUID()}`);
	await relay.ready;
	return {
		async stop() {
			await relay.stop();
			await pub.quit();
		}
	};
}

/** Single-instance Redis locks: SET NX PX with a token, released only by their holder. */
class Locks {
	readonly redis: RedisConnection;
	readonly prefix: string;

	constructor(redis: RedisConnection, prefix: string) {
		this.redis = redis;
		this.prefix = prefix;
	}

	async acquire(name: string, ttlMs: number): Promise<string | null> {
		const token = randomUUID();
		const answer = await this.redis.set(`${this.prefix}#lock:${name}`, token, 'PX', ttlMs, 'NX');
		return answer === 'OK' ? token : null;
	}

	async release(name: string, token: string): Promise<void> {
		await this.redis.eval(
			"if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0",
			1,
			`${this.prefix}#lock:${name}`,
			token
		);
	}

	async runExclusive(name: string, ttlMs: number, work: () => Promise<void>): Promise<boolean> {
		const token = await this.acquire(name, ttlMs);
		if (!token) return false;
		try {
			await work();
		} finally {
			await this.release(name, token).catch(() => {});
		}
		return true;
	}
}

/**
 * Compaction when several processes write one document's log. A process's in-memory document
 * may lack updates another process appended (still on their way through Redis), and another
 * process may already have folded updates into the stored state that this one has not seen.
 * Replacing the stored state, as one process may, could then drop acknowledged updates. Here
 * the stored state, this process's state and every logged update up to `uptoSeq` are merged
 * under a row lock, so nothing that was stored is ever left out.
 */
export class SharedDocumentRepository extends DocumentRepository {
	override async compact(name: string, state: Uint8Array, uptoSeq: number): Promise<void> {
		await this.sql.begin(async (tx) => {
			await tx`
				insert into documents (name, state, compacted_seq, updated_at)
				values (${name}, ${Buffer.from(state)}, 0, now())
				on conflict (name) do nothing`;
			const [stored] = await tx<{ state: Uint8Array }[]>`
				select state from documents where name = ${name} for update`;
			const logged = await tx<{ update: Uint8Array }[]>`
				select update from document_updates where name = ${name} and seq <= ${uptoSeq}
				order by seq`;
			const doc = new Y.Doc({ gc: true });
			try {
				Y.transact(doc, () => {
					if (stored) Y.applyUpdate(doc, stored.state);
					Y.applyUpdate(doc, state);
					for (const { update } of logged) Y.applyUpdate(doc, update);
				});
				const merged = Y.encodeStateAsUpdate(doc);
				await tx`
					update documents set state = ${Buffer.from(merged)},
						compacted_seq = greatest(compacted_seq, ${uptoSeq}), updated_at = now()
					where name = ${name}`;
			} finally {
				doc.destroy();
			}
			await tx`delete from document_updates where name = ${name} and seq <= ${uptoSeq}`;
		});
	}
}

function reportErrors(redis: RedisConnection, role: string): void {
	let last = 0;
	redis.on('error', (error: Error) => {
		// ioredis reconnects by itself; say so once in a while, not on every retry.
		if (Date.now() - last < 10_000) return;
		last = Date.now();
		logger.error(`Redis ${role}: ${error.message}`);
	});
}
