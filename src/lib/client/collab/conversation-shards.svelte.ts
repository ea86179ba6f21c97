/* eslint-disable svelte/prefer-svelte-reactivity -- the shard Map is a private registry, read
   through methods; nothing renders from it directly. */
import { WebSocketStatus, type HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import * as Y from 'yjs';
import {
	documentName,
	nextShard,
	retentionMark,
	type DocumentKind,
	type ListedMessage,
	type ReadMark
} from '$lib/shared/chat/document-schema.ts';
import type { LocalCopy, LocalCopyFactory } from './local-copy.ts';
import { SyncedProvider } from './synced-provider.ts';
import type { TabRelay, TabRelayOptions } from './tab-relay.ts';

/**
 * The documents of one conversation and their lifecycle: which shards are open, each one's
 * provider, local copy and tab relay, and which is the head (the newest, written into).
 *
 * History is split into shards, one Yjs document each (`channel.<id>.<n>`, `dm.<id>.<n>`). The
 * head opens first and older ones on demand. Each document is loaded from the browser's local
 * copy first and then connected over the tab's shared socket, so it opens without a network and
 * everything written offline is sent when the connection returns. Providers send only once in
 * sync (SyncedProvider). Other tabs of the person get every local change through a
 * BroadcastChannel (tab-relay.ts). What the server's closes mean is close-recovery.ts's job:
 * this class reports them through `ShardEvents` and offers the steps (attach, replace, forget).
 */

export type ConversationStatus = 'loading' | 'ready' | 'revoked' | 'signed-out';

/** How long a replaced or older shard waits for its sync before going on with what it holds. */
export const RESYNC_TIMEOUT_MS = 10_000;

export class Shard {
	readonly number: number;
	readonly name: string;
	doc: Y.Doc;
	provider: SyncedProvider | null = null;
	local: LocalCopy | null = null;
	relay: TabRelay | null = null;
	listed: ListedMessage[] = [];
	marks = new Map<string, ReadMark>();
	dirty = true;
	synced = false;
	/** The local copy has been applied (or there is none). */
	localLoaded = false;
	/**
	 * The local copy held this document (it had been synced here before): what it lists is what
	 * the conversation holds, as of then. An empty or missing copy says nothing.
	 */
	heldLocally = false;
	/** Resolves once the local copy is applied and the provider attached. */
	loaded: Promise<void> = Promise.resolve();
	resetting = false;
	/** "resync" closes in a row, for backing off a document that keeps being refused. */
	resyncs = 0;
	lastResyncAt = 0;
	resyncTimer: ReturnType<typeof setTimeout> | null = null;
	/** Openings refused for a reason that is not a loss of access (e.g. "unavailable"), in a row. */
	denials = 0;
	/** Own entries of the copy this one replaced ("stale"), until they are written again. */
	carried = new Map<string, unknown>();
	offUpdate: () => void = () => {};
	/** The last retention mark the local copy was asked to rewrite for. */
	purgeMark = 0;

	constructor(number: number, name: string) {
		this.number = number;
		this.name = name;
		this.doc = new Y.Doc();
	}
}

/** What the shards tell the conversation's other parts. */
export interface ShardEvents {
	/** A shard's document changed: its listing is out of date. */
	changed: (shard: Shard) => void;
	/** Shards were added or dropped: the listing is recomputed now. */
	relist: () => void;
	/** The server opened the head's connection with this scope ('readonly' or full). */
	headScope: (scope: string) => void;
	/** The head has a provider: typing follows its awareness. */
	headAttached: (provider: SyncedProvider) => void;
	/** The head's provider is closing, or the head moved on: typing stops following it. */
	headLeft: () => void;
	/** The server closed a shard's connection (or the socket went away: no reason). */
	closed: (shard: Shard, provider: SyncedProvider, reason: string) => void;
	/** The server would not open a shard's document. */
	denied: (shard: Shard, provider: SyncedProvider, reason: string) => void;
}

export interface ConversationShardsOptions {
	channelId: string;
	documentKind: DocumentKind;
	headShard: number;
	socket: HocuspocusProviderWebsocket;
	/** The browser's copy of each document; none (memory only) when omitted. */
	localCopy?: LocalCopyFactory;
	/** Relays local changes of each document to the person's other tabs; none when omitted. */
	relay?: (documentName: string, doc: Y.Doc, options: TabRelayOptions) => TabRelay | null;
	events: ShardEvents;
}

export class ConversationShards {
	readonly channelId: string;
	readonly documentKind: DocumentKind;
	readonly socket: HocuspocusProviderWebsocket;

	status = $state<ConversationStatus>('loading');
	/** The head document has synced with the server (at least once since opened). */
	synced = $state(false);
	loadingOlder = $state(false);
	/** The oldest shard loaded; older history exists while it is above 0. */
	oldestShard = $state(0);
	/** Older history exists but this browser does not hold it, and the server is out of reach. */
	olderUnavailable = $state(false);
	readonly hasOlder = $derived(this.oldestShard > 0);

	/** The newest shard, the one new messages go into. */
	head: Shard;
	destroyed = false;

	private readonly localCopy: LocalCopyFactory | undefined;
	private readonly relay: ConversationShardsOptions['relay'];
	private readonly events: ShardEvents;
	private readonly shards = new Map<number, Shard>();
	private readonly offSocketStatus: () => void;

	/** Nothing opens before `start()`: the other parts must exist to hear about the head. */
	constructor(options: ConversationShardsOptions) {
		this.channelId = options.channelId;
		this.documentKind = options.documentKind;
		this.socket = options.socket;
		this.localCopy = options.localCopy;
		this.relay = options.relay;
		this.events = options.events;
		this.oldestShard = options.headShard;
		this.head = this.newShard(options.headShard);
		// Back online: older history may be reachable again.
		const onStatus = ({ status }: { status: WebSocketStatus }) => {
			if (status === WebSocketStatus.Connected) this.olderUnavailable = false;
		};
		this.socket.on('status', onStatus);
		this.offSocketStatus = () => this.socket.off('status', onStatus);
	}

	/** Loads the head: from the local copy, then from the server. */
	start(): void {
		this.head.loaded = this.load(this.head);
	}

	get(number: number): Shard | undefined {
		return this.shards.get(number);
	}

	values(): IterableIterator<Shard> {
		return this.shards.values();
	}

	/** The loaded shard whose listing holds the message. */
	shardOf(messageId: string): Shard | null {
		for (const shard of this.shards.values()) {
			if (shard.listed.some((m) => m.id === messageId)) return shard;
		}
		return null;
	}

	/**
	 * What the head holds is known: it synced with the server, or its local copy held it. Before
	 * that an empty head means only "not loaded yet", never "no messages".
	 */
	headKnown(): boolean {
		return this.head.synced || this.head.heldLocally;
	}

	connected(): boolean {
		return this.socket.status === WebSocketStatus.Connected;
	}

	/** The server can be expected to answer soon: connected, or connecting while online. */
	reachable(): boolean {
		if (this.connected()) return true;
		const online = typeof navigator === 'undefined' || navigator.onLine !== false;
		return online && this.socket.status === WebSocketStatus.Connecting;
	}

	/**
	 * Opens the next older shard of history; resolves when it has loaded (from the local copy,
	 * and from the server when it is reachable). Offline, a shard this browser does not hold is
	 * not opened: `olderUnavailable` says so until the connection returns.
	 */
	async loadOlder(): Promise<boolean> {
		if (this.oldestShard <= 0 || this.loadingOlder || this.status === 'revoked') return false;
		this.loadingOlder = true;
		try {
			const number = this.oldestShard - 1;
			const shard = this.open(number);
			await shard.loaded;
			const synced = await this.whenSynced(shard, RESYNC_TIMEOUT_MS);
			if (this.destroyed || this.shards.get(number) !== shard) return false;
			if (!synced && !this.connected() && shard.doc.share.size === 0) {
				this.shards.delete(number);
				await this.close(shard, 'keep');
				this.olderUnavailable = true;
				return false;
			}
			this.olderUnavailable = false;
			this.oldestShard = number;
			this.events.relist();
			return true;
		} finally {
			this.loadingOlder = false;
		}
	}

	/** The head to write new messages into: a sealed head moves on to the next shard. */
	writableHead(): Shard {
		this.followSealedHead();
		return this.head;
	}

	followSealedHead(): void {
		for (let guard = 0; guard < 8; guard++) {
			const next = nextShard(this.head.doc);
			if (next === null || next <= this.head.number) return;
			const previous = this.head;
			const existing = this.shards.get(next);
			const shard = existing ?? this.newShard(next);
			this.head = shard;
			if (!existing) shard.loaded = this.load(shard);
			// Typing travels with the head.
			if (previous.provider?.awareness) {
				this.events.headLeft();
				previous.provider.awareness.setLocalState(null);
			}
			if (shard.provider) this.events.headAttached(shard.provider);
		}
	}

	attach(shard: Shard): void {
		const isHead = shard === this.head;
		const provider: SyncedProvider = new SyncedProvider({
			websocketProvider: this.socket,
			name: shard.name,
			document: shard.doc,
			// The server reads the session cookie; the token only has to be present.
			token: 'cookie',
			onAuthenticated: ({ scope }) => {
				if (shard === this.head) this.events.headScope(scope);
			},
			onSynced: () => {
				shard.synced = true;
				// Not the end of a resync series: its close comes right after the sync.
				shard.denials = 0;
				if (shard === this.head) {
					this.synced = true;
					if (this.status === 'loading') this.status = 'ready';
				}
				this.events.changed(shard);
			},
			onClose: ({ event }) => this.events.closed(shard, provider, event?.reason ?? ''),
			onAuthenticationFailed: ({ reason }) => this.events.denied(shard, provider, reason)
		});
		shard.provider = provider;
		if (isHead) this.events.headAttached(provider);
		else provider.awareness?.setLocalState(null);
		provider.attach();
	}

	/** Stops a shard's provider (it is not opened again by itself). */
	detach(shard: Shard): void {
		if (shard.provider) this.dropProvider(shard.provider);
		shard.provider = null;
	}

	/**
	 * Destroys a document's provider. With the socket down the server holds no connection to the
	 * document any more, so the provider must not queue its "close": the socket sends its queue
	 * after the next connection has authenticated, and the server would close that connection of
	 * the same document (its replacement's), which then takes updates that go nowhere.
	 */
	private dropProvider(provider: SyncedProvider): void {
		if (this.socket.status !== WebSocketStatus.Connected) this.forget(provider);
		provider.destroy();
	}

	/**
	 * Drops a document (and, with 'clear', its local copy) and loads it anew: from what is
	 * stored, then from the server. Resolves with the new shard once its local copy is applied.
	 */
	async replace(shard: Shard, copy: 'keep' | 'clear'): Promise<Shard | null> {
		if (shard.resetting || this.shards.get(shard.number) !== shard) return null;
		shard.resetting = true;
		const wasHead = shard === this.head;
		this.shards.delete(shard.number);
		await this.close(shard, copy);
		if (this.destroyed || this.status === 'revoked') return null;
		const fresh = new Shard(shard.number, shard.name);
		this.shards.set(fresh.number, fresh);
		if (wasHead) this.head = fresh;
		this.events.relist();
		fresh.loaded = this.load(fresh);
		await fresh.loaded;
		return fresh;
	}

	/** Closes every shard (and, with 'clear', deletes their local copies). */
	closeAll(copy: 'keep' | 'clear'): Promise<void> {
		const shards = [...this.shards.values()];
		this.shards.clear();
		return Promise.all(shards.map((shard) => this.close(shard, copy))).then(() => undefined);
	}

	whenSynced(shard: Shard, timeoutMs: number): Promise<boolean> {
		return new Promise((resolve) => {
			const started = Date.now();
			const check = () => {
				if (shard.synced || this.destroyed) resolve(shard.synced);
				// Out of reach: what the local copy holds is all there is for now.
				else if (shard.localLoaded && !this.reachable()) resolve(false);
				else if (Date.now() - started > timeoutMs) resolve(false);
				else setTimeout(check, 25);
			};
			check();
		});
	}

	/**
	 * The server has closed this document's connection (or never opened it): the provider must
	 * not send its own "close" for it, which the server would take as the first message of the
	 * next connection to the same document and close that one too.
	 */
	forget(provider: SyncedProvider): void {
		const providers = this.socket.configuration.providerMap;
		if (providers.get(provider.effectiveName) === provider)
			providers.delete(provider.effectiveName);
	}

	destroy(): void {
		if (this.destroyed) return;
		this.destroyed = true;
		this.offSocketStatus();
		for (const shard of this.shards.values()) void this.close(shard, 'keep');
		this.shards.clear();
	}

	private newShard(number: number): Shard {
		const shard = new Shard(number, documentName(this.documentKind, this.channelId, number));
		this.shards.set(number, shard);
		return shard;
	}

	private open(number: number): Shard {
		const existing = this.shards.get(number);
		if (existing) return existing;
		const shard = this.newShard(number);
		shard.loaded = this.load(shard);
		return shard;
	}

	private async load(shard: Shard): Promise<void> {
		const onUpdate = () => {
			this.events.changed(shard);
			this.rewriteIfPurged(shard);
		};
		shard.doc.on('update', onUpdate);
		shard.offUpdate = () => shard.doc.off('update', onUpdate);
		shard.local = this.localCopy?.(shard.name, shard.doc) ?? null;
		// The local copy first: the conversation shows (and works) before the network answers.
		// (Always awaited, so that the caller has set `head` before this goes on.)
		await shard.local?.loaded;
		if (this.destroyed || this.shards.get(shard.number) !== shard) return;
		shard.localLoaded = true;
		shard.heldLocally = shard.doc.store.clients.size > 0;
		if (shard === this.head && this.status === 'loading') this.status = 'ready';
		this.events.changed(shard);
		// What the person waits for: listed now, not after the coalescing delay.
		if (shard === this.head) this.events.relist();
		shard.relay =
			this.relay?.(shard.name, shard.doc, {
				isSynced: () => shard.provider?.synced ?? false,
				onReset: () => void this.replace(shard, 'keep')
			}) ?? null;
		this.attach(shard);
	}

	/**
	 * A retention run deleted messages of this document (its mark moved): the deletion is in the
	 * document now, and the local copy, whose stored updates still hold the deleted text, is
	 * rewritten from it. Runs on every change, so a copy that was away learns of it on its next
	 * sync and a connected one at once.
	 */
	private rewriteIfPurged(shard: Shard): void {
		const mark = retentionMark(shard.doc);
		if (mark === null || mark <= shard.purgeMark || !shard.local) return;
		shard.purgeMark = mark;
		void shard.local.rewrite(mark).catch(() => {
			// Tried again with the next mark, or the next time the copy opens.
			shard.purgeMark = 0;
		});
	}

	private close(shard: Shard, copy: 'keep' | 'clear'): Promise<void> {
		shard.offUpdate();
		shard.relay?.close();
		shard.relay = null;
		if (shard.resyncTimer) clearTimeout(shard.resyncTimer);
		shard.resyncTimer = null;
		const provider = shard.provider;
		shard.provider = null;
		if (provider) {
			if (provider.awareness && shard === this.head) this.events.headLeft();
			this.dropProvider(provider);
		}
		const local = shard.local;
		shard.local = null;
		const done = local ? (copy === 'clear' ? local.clear() : local.destroy()) : Promise.resolve();
		return done.finally(() => shard.doc.destroy());
	}
}
