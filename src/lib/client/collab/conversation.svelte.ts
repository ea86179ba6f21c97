/* eslint-disable svelte/prefer-svelte-reactivity -- the Maps and Sets here are private caches or
   snapshots that are assigned whole to $state.raw fields; per-entry reactivity would only cost. */
import { WebSocketStatus, type HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import * as Y from 'yjs';
import {
	deleteMessage,
	documentName,
	editMessage,
	getMessage,
	listMessages,
	markRead,
	MAX_MESSAGE_TEXT_LENGTH,
	moderateDelete,
	nextShard,
	ownReactions,
	postMessage,
	react,
	readMarks,
	unreact,
	type DocumentKind,
	type ListedMessage,
	type Mention,
	type ReadMark
} from '$lib/shared/chat/document-schema.ts';
import { parseCloseReason } from '$lib/shared/collab/close-reasons.ts';
import type { LocalCopy, LocalCopyFactory } from './local-copy.ts';
import { ownEntries, refusedChanges, resendOwnChanges, type RefusedItem } from './refusal.ts';
import { SyncedProvider } from './synced-provider.ts';
import type { TabRelay, TabRelayOptions } from './tab-relay.ts';

/**
 * One conversation (channel, group or direct conversation) as the browser holds it.
 *
 * History is split into shards, one Yjs document each (`channel.<id>.<n>`, `dm.<id>.<n>`). The
 * conversation opens the newest (the head) and, on demand, older ones. Each document is loaded
 * from the browser's local copy first and then connected over the tab's shared socket, so it
 * opens without a network and everything written offline is sent when the connection returns.
 * Providers send only once in sync (SyncedProvider); a server that saw an update overtake its
 * sync closes the document with "resync", and the document simply connects again. Other tabs of
 * the person get every local change through a BroadcastChannel (tab-relay.ts).
 *
 * Everything the UI shows is reactive state derived from the documents (`messages`, `unread`,
 * `pendingCount`, `typing`...), recomputed once per burst of document updates and only for the
 * shards that changed. Writes go through the shared document-schema helpers, into the person's
 * own map only, and only when the person's rights allow them: a refused update costs the local
 * copy of that document.
 */

export interface ConversationChannel {
	id: string;
	/** The channel kind of the API; direct conversations live in `dm.` documents. */
	kind: string;
	headShard: number;
	/** When the conversation turns read-only (ms): a project room's end; none when omitted. */
	endsAt?: number | null;
}

export interface ConversationRights {
	/** Post, edit and delete own messages. */
	post: boolean;
	/** React and mark as read. */
	react: boolean;
	/** Delete other people's messages. */
	moderate: boolean;
}

export interface TypingPerson {
	id: string;
	name: string;
	/** The thread they are typing in, or null for the channel itself. */
	threadId: string | null;
}

export type ConversationNotice =
	| { kind: 'refused'; channelId: string; reason: string; items: RefusedItem[] }
	| { kind: 'access-revoked'; channelId: string; reason: string }
	| { kind: 'access-changed'; channelId: string }
	| { kind: 'unauthenticated'; channelId: string; reason: string };

export interface ConversationOptions {
	channel: ConversationChannel;
	user: { id: string; name: string };
	socket: HocuspocusProviderWebsocket;
	rights: ConversationRights;
	/** The browser's copy of each document; none (memory only) when omitted. */
	localCopy?: LocalCopyFactory;
	onNotice?: (notice: ConversationNotice) => void;
	/** Unread count the server reported, used until the documents tell better. */
	serverUnread?: number;
	/** Relays local changes of each document to the person's other tabs; none when omitted. */
	relay?: (documentName: string, doc: Y.Doc, options: TabRelayOptions) => TabRelay | null;
	/** Every (re)listing of a shard, for the search index; an empty list when a shard is dropped. */
	onListed?: (channelId: string, shard: number, messages: ListedMessage[]) => void;
	/** Milliseconds to coalesce document updates before recomputing (0 in tests is fine). */
	flushDelay?: number;
}

export type ConversationStatus = 'loading' | 'ready' | 'revoked' | 'signed-out';

/** Someone who typed keeps showing as typing this long after their last keystroke signal. */
const TYPING_SHOWN_MS = 6_000;
/** How often this tab repeats its own typing signal while the person types. */
const TYPING_SIGNAL_MS = 2_000;
/** Without a keystroke for this long, this tab clears its typing signal. */
const TYPING_IDLE_MS = 4_000;
const RESYNC_TIMEOUT_MS = 10_000;
/** setTimeout's longest delay (about 24.8 days): a later end is waited for in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/**
 * "resync" closes in a row after which the copy is rebuilt from the server (as after "stale"):
 * a gap that a fresh sync does not close is in the copy itself, and syncing again cannot help.
 */
const RESYNCS_BEFORE_REBUILD = 4;
/** A resync this long after the previous one starts a new series. */
const RESYNC_SERIES_MS = 60_000;

interface TypingState {
	typing?: unknown;
	at?: unknown;
	threadId?: unknown;
}

interface AwarenessShape {
	user?: { id?: unknown; name?: unknown };
	typing?: TypingState | null;
}

class Shard {
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

	constructor(number: number, name: string) {
		this.number = number;
		this.name = name;
		this.doc = new Y.Doc();
	}
}

export class Conversation {
	readonly channelId: string;
	readonly documentKind: DocumentKind;
	readonly user: { id: string; name: string };

	/** Every loaded message (thread replies included), oldest first, the same order for all. */
	messages = $state.raw<ListedMessage[]>([]);
	status = $state<ConversationStatus>('loading');
	/** The head document has synced with the server (at least once since opened). */
	synced = $state(false);
	/** The server gave a read-only connection (an ended project room, an archived channel). */
	readOnly = $state(false);
	/**
	 * The conversation's end has passed (a project room): read-only from that moment, without
	 * waiting for the server to say so (it refuses writes from then on, and reconnects us).
	 */
	ended = $state(false);
	loadingOlder = $state(false);
	/** The oldest shard loaded; older history exists while it is above 0. */
	oldestShard = $state(0);
	/** Older history exists but this browser does not hold it, and the server is out of reach. */
	olderUnavailable = $state(false);
	typing = $state.raw<TypingPerson[]>([]);
	/** Unread count from the server's list, for before the documents have loaded. */
	serverUnread = $state(0);
	rights = $state<ConversationRights>({ post: false, react: false, moderate: false });

	/** Each person's latest read mark, as the position of the marked message in `messages`. */
	private readPositions = $state.raw(new Map<string, number>());
	/** Message id → position in `messages`. */
	private positions = new Map<string, number>();

	readonly hasOlder = $derived(this.oldestShard > 0);
	readonly pendingCount = $derived(
		this.messages.reduce(
			(count, m) => count + (m.authorId === this.user.id && m.acceptedAt === null ? 1 : 0),
			0
		)
	);
	/** Top-level messages (not thread replies). */
	readonly topLevel = $derived(this.messages.filter((m) => m.threadId === null));
	/** Thread root id → replies, oldest first. */
	readonly threads = $derived.by(() => {
		const byRoot = new Map<string, ListedMessage[]>();
		for (const message of this.messages) {
			if (message.threadId === null) continue;
			const replies = byRoot.get(message.threadId) ?? [];
			replies.push(message);
			byRoot.set(message.threadId, replies);
		}
		return byRoot;
	});
	readonly unread = $derived.by(() => this.countUnread());

	private readonly socket: HocuspocusProviderWebsocket;
	private readonly localCopy: LocalCopyFactory | undefined;
	private readonly onNotice: (notice: ConversationNotice) => void;
	private readonly relay: ConversationOptions['relay'];
	private readonly onListed: ConversationOptions['onListed'];
	private readonly flushDelay: number;
	private readonly shards = new Map<number, Shard>();
	private head: Shard;
	private flushTimer: ReturnType<typeof setTimeout> | null = null;
	private destroyed = false;
	private typingSeen = new Map<number, { at: unknown; seen: number }>();
	private typingTimer: ReturnType<typeof setInterval> | null = null;
	private ownTyping: { threadId: string | null; sentAt: number } | null = null;
	private ownTypingTimer: ReturnType<typeof setTimeout> | null = null;
	private offAwareness: (() => void) | null = null;
	private endTimer: ReturnType<typeof setTimeout> | null = null;

	constructor(options: ConversationOptions) {
		this.channelId = options.channel.id;
		this.documentKind = options.channel.kind === 'dm' ? 'dm' : 'channel';
		this.user = options.user;
		this.socket = options.socket;
		this.localCopy = options.localCopy;
		this.onNotice = options.onNotice ?? (() => {});
		this.relay = options.relay;
		this.onListed = options.onListed;
		this.flushDelay = options.flushDelay ?? 16;
		this.serverUnread = options.serverUnread ?? 0;
		this.rights = { ...options.rights };
		this.oldestShard = options.channel.headShard;
		this.head = this.openShard(options.channel.headShard);
		this.setEndsAt(options.channel.endsAt ?? null);
		// Back online: older history may be reachable again.
		const onStatus = ({ status }: { status: WebSocketStatus }) => {
			if (status === WebSocketStatus.Connected) this.olderUnavailable = false;
		};
		this.socket.on('status', onStatus);
		this.offSocketStatus = () => this.socket.off('status', onStatus);
	}

	private offSocketStatus: () => void = () => {};

	// ---- Reading ------------------------------------------------------------------------------

	/** People (ids, not the author) whose read mark is at or after the message. */
	seenBy(messageId: string): string[] {
		const position = this.positions.get(messageId);
		if (position === undefined) return [];
		const author = this.messages[position]?.authorId;
		const people: string[] = [];
		for (const [userId, at] of this.readPositions) {
			if (userId !== author && at >= position) people.push(userId);
		}
		return people.sort();
	}

	message(messageId: string): ListedMessage | null {
		const position = this.positions.get(messageId);
		return position === undefined ? null : (this.messages[position] ?? null);
	}

	replies(rootId: string): ListedMessage[] {
		return this.threads.get(rootId) ?? [];
	}

	/** The person's latest message that can still be edited (for ↑ in an empty composer). */
	lastOwnMessage(threadId: string | null = null): ListedMessage | null {
		for (let index = this.messages.length - 1; index >= 0; index--) {
			const message = this.messages[index]!;
			if (message.authorId === this.user.id && !message.deleted && message.threadId === threadId) {
				return message;
			}
		}
		return null;
	}

	ownReactions(messageId: string): string[] {
		const shard = this.shardOf(messageId);
		return shard ? ownReactions(shard.doc, this.user.id, messageId) : [];
	}

	// ---- Writing ------------------------------------------------------------------------------

	/** Posts a message (or a thread reply); returns its id. */
	send(text: string, options: { threadId?: string | null; mentions?: Mention[] } = {}): string {
		const body = text.trim();
		if (!this.canPost()) throw new Error('You cannot post in this conversation.');
		if (body.length === 0) throw new Error('A message needs some text.');
		if (body.length > MAX_MESSAGE_TEXT_LENGTH) {
			throw new Error(`A message has at most ${MAX_MESSAGE_TEXT_LENGTH} characters.`);
		}
		const head = this.writableHead();
		const value = postMessage(head.doc, this.user.id, {
			text: body,
			threadId: options.threadId ?? null,
			mentions: options.mentions ?? []
		});
		this.setTyping(false);
		this.flushNow();
		this.markRead();
		return value.id;
	}

	reply(threadId: string, text: string, mentions: Mention[] = []): string {
		return this.send(text, { threadId, mentions });
	}

	edit(messageId: string, text: string, mentions?: Mention[]): void {
		const body = text.trim();
		if (!this.canPost()) throw new Error('You cannot edit messages here.');
		if (body.length === 0) throw new Error('A message needs some text.');
		if (body.length > MAX_MESSAGE_TEXT_LENGTH) {
			throw new Error(`A message has at most ${MAX_MESSAGE_TEXT_LENGTH} characters.`);
		}
		const shard = this.shardOf(messageId);
		const current = shard ? getMessage(shard.doc, this.user.id, messageId) : null;
		if (!shard || !current || current.deleted) throw new Error('That message cannot be edited.');
		if (current.text === body) return;
		editMessage(shard.doc, this.user.id, messageId, { text: body, mentions });
		this.flushNow();
	}

	/** Deletes one's own message, or (for moderators) someone else's. */
	delete(messageId: string): void {
		const message = this.message(messageId);
		const shard = this.shardOf(messageId);
		if (!message || !shard || message.deleted) return;
		if (message.authorId === this.user.id) {
			if (!this.canPost()) throw new Error('You cannot delete messages here.');
			deleteMessage(shard.doc, this.user.id, messageId);
		} else {
			if (!this.rights.moderate || !this.writable()) {
				throw new Error('Only moderators delete other people’s messages.');
			}
			moderateDelete(shard.doc, message.authorId, messageId);
		}
		this.flushNow();
	}

	/** Adds or removes one's own reaction. */
	toggleReaction(messageId: string, emoji: string): void {
		if (!this.canReact()) throw new Error('You cannot react in this conversation.');
		const shard = this.shardOf(messageId);
		if (!shard) return;
		if (ownReactions(shard.doc, this.user.id, messageId).includes(emoji)) {
			unreact(shard.doc, this.user.id, messageId, emoji);
		} else {
			react(shard.doc, this.user.id, messageId, emoji);
		}
		this.flushNow();
	}

	/**
	 * Marks everything loaded as read (the last message). Writes only when the mark moves
	 * forward, so calling it often costs nothing.
	 */
	markRead(): void {
		if (!this.canReact() || this.status !== 'ready') return;
		this.flushNow();
		const last = this.messages.findLast((m) => m.acceptedAt !== null) ?? this.messages.at(-1);
		if (!last) return;
		const position = this.positions.get(last.id) ?? -1;
		if ((this.readPositions.get(this.user.id) ?? -1) >= position) return;
		const shard = this.shardOf(last.id);
		if (!shard) return;
		// The server counts unread messages by acceptance time: never mark before it.
		markRead(shard.doc, this.user.id, last.id, Math.max(Date.now(), last.acceptedAt ?? 0));
		this.flushNow();
	}

	/**
	 * Tells the others that the person is typing (in a thread, or the channel when null), or
	 * that they stopped (false). Repeated calls are throttled.
	 */
	setTyping(threadId: string | null | false): void {
		const awareness = this.head.provider?.awareness;
		if (!awareness) return;
		if (this.ownTypingTimer) clearTimeout(this.ownTypingTimer);
		this.ownTypingTimer = null;
		if (threadId === false) {
			if (this.ownTyping) {
				// The stop is sent as a state (Hocuspocus drops a client's removal of its state on
				// the way through `beforeHandleAwareness`); the state itself is withdrawn right after,
				// so that it is not renewed, and the server lets it lapse.
				awareness.setLocalState({ user: { id: this.user.id, name: this.user.name }, typing: null });
				awareness.setLocalState(null);
			}
			this.ownTyping = null;
			return;
		}
		const now = Date.now();
		const same = this.ownTyping?.threadId === threadId;
		if (!same || now - (this.ownTyping?.sentAt ?? 0) >= TYPING_SIGNAL_MS) {
			// The awareness state exists only while typing: an idle tab renews nothing here, so
			// a channel's awareness traffic follows the people typing, not the people present.
			awareness.setLocalState({
				user: { id: this.user.id, name: this.user.name },
				typing: { typing: true, at: now, threadId }
			});
			this.ownTyping = { threadId, sentAt: now };
		}
		this.ownTypingTimer = setTimeout(() => this.setTyping(false), TYPING_IDLE_MS);
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
			const shard = this.openShard(number);
			await shard.loaded;
			const synced = await this.whenSynced(shard, RESYNC_TIMEOUT_MS);
			if (this.destroyed || this.shards.get(number) !== shard) return false;
			if (!synced && !this.connected() && shard.doc.share.size === 0) {
				this.shards.delete(number);
				await this.closeShard(shard, 'keep');
				this.olderUnavailable = true;
				return false;
			}
			this.olderUnavailable = false;
			this.oldestShard = number;
			this.flushNow();
			return true;
		} finally {
			this.loadingOlder = false;
		}
	}

	/**
	 * Finds a message, loading older shards until it shows up (a search result in older
	 * history). Resolves with the message, or null when it is not there (or not reachable).
	 */
	async reveal(messageId: string, timeoutMs = 20_000): Promise<ListedMessage | null> {
		const started = Date.now();
		for (;;) {
			if (this.destroyed || this.status === 'revoked') return null;
			this.flushNow();
			const found = this.message(messageId);
			if (found) return found;
			if (Date.now() - started > timeoutMs) return null;
			const headSettled = this.status === 'ready' && (this.head.synced || !this.reachable());
			if (!headSettled) {
				await sleep(50);
				continue;
			}
			if (this.oldestShard <= 0 || this.olderUnavailable) return null;
			if (!(await this.loadOlder())) {
				if (this.olderUnavailable) return null;
				await sleep(50);
			}
		}
	}

	setRights(rights: ConversationRights): void {
		this.rights = { ...rights };
	}

	/** The conversation's end (ms), or null: it turns read-only at that moment. */
	setEndsAt(endsAt: number | null): void {
		if (this.endTimer) clearTimeout(this.endTimer);
		this.endTimer = null;
		const remaining = endsAt === null ? Infinity : endsAt - Date.now();
		this.ended = remaining <= 0;
		if (this.ended) {
			this.setTyping(false);
			return;
		}
		if (endsAt === null || this.destroyed) return;
		this.endTimer = setTimeout(() => this.setEndsAt(endsAt), Math.min(remaining, MAX_TIMER_MS));
	}

	destroy(): void {
		if (this.destroyed) return;
		this.destroyed = true;
		this.setTyping(false);
		if (this.flushTimer) clearTimeout(this.flushTimer);
		if (this.typingTimer) clearInterval(this.typingTimer);
		if (this.endTimer) clearTimeout(this.endTimer);
		this.offAwareness?.();
		this.offSocketStatus();
		for (const shard of this.shards.values()) void this.closeShard(shard, 'keep');
		this.shards.clear();
	}

	// ---- Documents ----------------------------------------------------------------------------

	private canPost(): boolean {
		return this.rights.post && this.writable();
	}

	private canReact(): boolean {
		return this.rights.react && this.writable();
	}

	private writable(): boolean {
		return !this.readOnly && !this.ended && this.status !== 'revoked';
	}

	private openShard(number: number): Shard {
		const existing = this.shards.get(number);
		if (existing) return existing;
		const shard = new Shard(number, documentName(this.documentKind, this.channelId, number));
		this.shards.set(number, shard);
		shard.loaded = this.load(shard);
		return shard;
	}

	private connected(): boolean {
		return this.socket.status === WebSocketStatus.Connected;
	}

	/** The server can be expected to answer soon: connected, or connecting while online. */
	private reachable(): boolean {
		if (this.connected()) return true;
		const online = typeof navigator === 'undefined' || navigator.onLine !== false;
		return online && this.socket.status === WebSocketStatus.Connecting;
	}

	private async load(shard: Shard): Promise<void> {
		const onUpdate = () => this.invalidate(shard);
		shard.doc.on('update', onUpdate);
		shard.offUpdate = () => shard.doc.off('update', onUpdate);
		shard.local = this.localCopy?.(shard.name, shard.doc) ?? null;
		// The local copy first: the conversation shows (and works) before the network answers.
		// (Always awaited, so that the caller has set `head` before this goes on.)
		await shard.local?.loaded;
		if (this.destroyed || this.shards.get(shard.number) !== shard) return;
		shard.localLoaded = true;
		if (shard === this.head && this.status === 'loading') this.status = 'ready';
		this.invalidate(shard);
		shard.relay =
			this.relay?.(shard.name, shard.doc, {
				isSynced: () => shard.provider?.synced ?? false,
				onReset: () => void this.replaceShard(shard, 'keep')
			}) ?? null;
		this.attach(shard);
	}

	private attach(shard: Shard): void {
		const isHead = shard === this.head;
		const provider: SyncedProvider = new SyncedProvider({
			websocketProvider: this.socket,
			name: shard.name,
			document: shard.doc,
			// The server reads the session cookie; the token only has to be present.
			token: 'cookie',
			onAuthenticated: ({ scope }) => {
				if (shard === this.head) this.readOnly = scope === 'readonly';
			},
			onSynced: () => {
				shard.synced = true;
				// Not the end of a resync series: its close comes right after the sync.
				shard.denials = 0;
				if (shard === this.head) {
					this.synced = true;
					if (this.status === 'loading') this.status = 'ready';
				}
				this.invalidate(shard);
			},
			onClose: ({ event }) => this.onClosed(shard, provider, event?.reason ?? ''),
			onAuthenticationFailed: ({ reason }) => this.onDenied(shard, provider, reason)
		});
		shard.provider = provider;
		if (isHead) this.followAwareness(provider);
		else provider.awareness?.setLocalState(null);
		provider.attach();
	}

	private followAwareness(provider: SyncedProvider): void {
		const awareness = provider.awareness;
		if (!awareness) return;
		this.offAwareness?.();
		// Nothing is published here until the person types (see setTyping).
		awareness.setLocalState(null);
		const onChange = () => this.readTyping();
		awareness.on('change', onChange);
		this.offAwareness = () => awareness.off('change', onChange);
	}

	private closeShard(shard: Shard, copy: 'keep' | 'clear'): Promise<void> {
		shard.offUpdate();
		shard.relay?.close();
		shard.relay = null;
		if (shard.resyncTimer) clearTimeout(shard.resyncTimer);
		shard.resyncTimer = null;
		const provider = shard.provider;
		shard.provider = null;
		if (provider) {
			if (provider.awareness && shard === this.head) {
				this.offAwareness?.();
				this.offAwareness = null;
			}
			provider.destroy();
		}
		const local = shard.local;
		shard.local = null;
		const done = local ? (copy === 'clear' ? local.clear() : local.destroy()) : Promise.resolve();
		return done.finally(() => shard.doc.destroy());
	}

	private whenSynced(shard: Shard, timeoutMs: number): Promise<boolean> {
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
	private forget(provider: SyncedProvider): void {
		const providers = this.socket.configuration.providerMap;
		if (providers.get(provider.effectiveName) === provider)
			providers.delete(provider.effectiveName);
	}

	private onClosed(shard: Shard, provider: SyncedProvider, reason: string): void {
		if (shard.provider !== provider || this.destroyed) return;
		shard.synced = false;
		// A close from the server names its reason; a socket that went away has none of ours, and
		// the provider resyncs when it comes back.
		const { code } = parseCloseReason(reason);
		switch (code) {
			case 'resync':
				this.forget(provider);
				this.resync(shard, provider);
				break;
			case 'stale':
				this.forget(provider);
				void this.rebuildStaleCopy(shard);
				break;
			case 'refused':
				this.forget(provider);
				void this.resetAfterRefusal(shard, reason);
				break;
			case 'access-revoked':
				this.forget(provider);
				void this.revoke(reason);
				break;
			case 'unauthenticated':
				this.forget(provider);
				this.signedOut(reason);
				break;
			case 'access-changed':
				// Rights changed (e.g. the room ended): reconnect as what we now are.
				this.forget(provider);
				provider.destroy();
				shard.provider = null;
				this.attach(shard);
				this.onNotice({ kind: 'access-changed', channelId: this.channelId });
				break;
		}
	}

	/**
	 * An update of ours overtook its sync (a reconnect raced a change): nothing is wrong with
	 * it, so nothing is dropped. The document connects again, and the sync handshake carries
	 * what the server lacks. Repeated closes back off (0.5 s, doubling); a series that a fresh
	 * sync does not end means the copy holds something the server can never complete (content
	 * waiting for a part nobody has): it is rebuilt from the server and our own changes are
	 * written again, so no document keeps reconnecting.
	 */
	private resync(shard: Shard, provider: SyncedProvider): void {
		const now = Date.now();
		if (now - shard.lastResyncAt > RESYNC_SERIES_MS) shard.resyncs = 0;
		shard.lastResyncAt = now;
		if (shard.resyncs >= RESYNCS_BEFORE_REBUILD) {
			void this.rebuildStaleCopy(shard);
			return;
		}
		const delay = shard.resyncs === 0 ? 0 : Math.min(30_000, 500 * 2 ** (shard.resyncs - 1));
		shard.resyncs++;
		if (shard.resyncTimer) clearTimeout(shard.resyncTimer);
		shard.resyncTimer = setTimeout(() => {
			shard.resyncTimer = null;
			if (shard.provider === provider && !this.destroyed) provider.reconnectDocument();
		}, delay);
	}

	/**
	 * The server would not open this document. Only our server's own word for lost access
	 * ("forbidden", "access-revoked") costs the local copy; anything else, above all
	 * "unavailable" (its database is out of reach) or a reason we do not know, keeps the copy
	 * and everything unsent in it and tries again later.
	 */
	private onDenied(shard: Shard, provider: SyncedProvider, reason: string): void {
		if (shard.provider !== provider || this.destroyed) return;
		this.forget(provider);
		const { code } = parseCloseReason(reason);
		if (code === 'unauthenticated') this.signedOut(reason);
		else if (code === 'forbidden' || code === 'access-revoked') void this.revoke(reason);
		else if (code === 'invalid-document' && shard !== this.head) {
			// An older shard the server does not know: nothing more to load.
			provider.destroy();
			shard.provider = null;
		} else this.openLater(shard, provider);
	}

	/** Opens the document again after a pause (1 s, doubling, at most 30 s, with jitter). */
	private openLater(shard: Shard, provider: SyncedProvider): void {
		provider.destroy();
		shard.provider = null;
		const delay = Math.min(30_000, 1_000 * 2 ** shard.denials) * (0.5 + Math.random() / 2);
		shard.denials++;
		if (shard.resyncTimer) clearTimeout(shard.resyncTimer);
		shard.resyncTimer = setTimeout(() => {
			shard.resyncTimer = null;
			if (this.destroyed || this.status === 'revoked' || this.status === 'signed-out') return;
			if (this.shards.get(shard.number) === shard && shard.provider === null) this.attach(shard);
		}, delay);
	}

	/**
	 * The server refused something of ours in this document. Nothing of it may be kept or sent
	 * again: the document and its local copy are dropped and fetched anew from the server, and
	 * the person is told what did not land (with the text, to copy).
	 */
	private async resetAfterRefusal(shard: Shard, reason: string): Promise<void> {
		if (shard.resetting) return;
		const before = ownEntries(shard.doc, this.user.id);
		const pending = shard.listed.filter(
			(m) => m.authorId === this.user.id && m.acceptedAt === null && !m.deleted
		);
		// The person's other tabs hold the same refused changes: they drop them too.
		shard.relay?.announceReset();
		const fresh = await this.replaceShard(shard, 'clear');
		if (!fresh) return;
		const synced = await this.whenSynced(fresh, RESYNC_TIMEOUT_MS);
		const items = synced
			? refusedChanges(before, ownEntries(fresh.doc, this.user.id))
			: pending.map((m): RefusedItem => ({ kind: 'message', messageId: m.id, text: m.text }));
		this.onNotice({ kind: 'refused', channelId: this.channelId, reason, items });
	}

	/**
	 * Our copy holds other people's changes that the server does not have: it relayed them and
	 * crashed before logging them. Nothing of ours was refused, only held up with them. The copy
	 * is rebuilt from the server and our own changes that it lacks are written again; the others'
	 * come back when their authors, who never saw them as sent, send them again. (Our unsent
	 * changes live only in this tab's memory between the rebuild and the resend: a fraction of a
	 * second with the server in reach, which is when a stale close comes.)
	 */
	private async rebuildStaleCopy(shard: Shard): Promise<void> {
		if (shard.resetting) return;
		// A copy rebuilt again before it wrote our changes back still owes them: carried along.
		const before = new Map([...shard.carried, ...ownEntries(shard.doc, this.user.id)]);
		shard.relay?.announceReset();
		const fresh = await this.replaceShard(shard, 'clear');
		if (!fresh) return;
		fresh.carried = before;
		while (!(await this.whenSynced(fresh, RESYNC_TIMEOUT_MS))) {
			if (this.destroyed || this.shards.get(fresh.number) !== fresh) return;
			await new Promise((resolve) => setTimeout(resolve, 1_000));
		}
		if (this.shards.get(fresh.number) !== fresh) return;
		resendOwnChanges(fresh.doc, this.user.id, before);
		fresh.carried = new Map();
	}

	/**
	 * Drops a document (and, with 'clear', its local copy) and loads it anew: from what is
	 * stored, then from the server. Resolves with the new shard once its local copy is applied.
	 */
	private async replaceShard(shard: Shard, copy: 'keep' | 'clear'): Promise<Shard | null> {
		if (shard.resetting || this.shards.get(shard.number) !== shard) return null;
		shard.resetting = true;
		const wasHead = shard === this.head;
		this.shards.delete(shard.number);
		await this.closeShard(shard, copy);
		if (this.destroyed || this.status === 'revoked') return null;
		const fresh = new Shard(shard.number, shard.name);
		this.shards.set(fresh.number, fresh);
		if (wasHead) this.head = fresh;
		this.flushNow();
		fresh.loaded = this.load(fresh);
		await fresh.loaded;
		return fresh;
	}

	/**
	 * The conversation is no longer the person's (the server's channel list says so): its
	 * documents close and their local copies are deleted, without a notice.
	 */
	async discard(): Promise<void> {
		if (this.status === 'revoked' || this.destroyed) return;
		this.status = 'revoked';
		const shards = [...this.shards.values()];
		this.shards.clear();
		this.messages = [];
		await Promise.all(shards.map((shard) => this.closeShard(shard, 'clear')));
		this.destroy();
	}

	/** Access is gone: the local copies are deleted and nothing more is shown. */
	private async revoke(reason: string): Promise<void> {
		if (this.status === 'revoked') return;
		this.status = 'revoked';
		const shards = [...this.shards.values()];
		this.shards.clear();
		this.messages = [];
		this.typing = [];
		await Promise.all(shards.map((shard) => this.closeShard(shard, 'clear')));
		this.onNotice({ kind: 'access-revoked', channelId: this.channelId, reason });
	}

	private signedOut(reason: string): void {
		if (this.status === 'signed-out') return;
		this.status = 'signed-out';
		for (const shard of this.shards.values()) {
			shard.provider?.destroy();
			shard.provider = null;
		}
		this.onNotice({ kind: 'unauthenticated', channelId: this.channelId, reason });
	}

	/** The head to write new messages into: a sealed head moves on to the next shard. */
	private writableHead(): Shard {
		this.followSealedHead();
		return this.head;
	}

	private followSealedHead(): void {
		for (let guard = 0; guard < 8; guard++) {
			const next = nextShard(this.head.doc);
			if (next === null || next <= this.head.number) return;
			const previous = this.head;
			const shard =
				this.shards.get(next) ??
				new Shard(next, documentName(this.documentKind, this.channelId, next));
			if (!this.shards.has(next)) {
				this.shards.set(next, shard);
				this.head = shard;
				shard.loaded = this.load(shard);
			} else {
				this.head = shard;
			}
			// Typing travels with the head.
			if (previous.provider?.awareness) {
				this.offAwareness?.();
				this.offAwareness = null;
				previous.provider.awareness.setLocalState(null);
			}
			if (shard.provider) this.followAwareness(shard.provider);
		}
	}

	// ---- Derived state ------------------------------------------------------------------------

	private invalidate(shard: Shard): void {
		shard.dirty = true;
		if (this.flushTimer || this.destroyed) return;
		this.flushTimer = setTimeout(() => this.flushNow(), this.flushDelay);
	}

	/** Recomputes what changed: listMessages only for the shards whose documents changed. */
	private flushNow(): void {
		if (this.flushTimer) clearTimeout(this.flushTimer);
		this.flushTimer = null;
		if (this.destroyed || this.status === 'revoked') return;
		let changed = false;
		for (const shard of this.shards.values()) {
			if (!shard.dirty) continue;
			shard.dirty = false;
			shard.listed = listMessages(shard.doc);
			shard.marks = readMarks(shard.doc);
			this.onListed?.(this.channelId, shard.number, shard.listed);
			changed = true;
		}
		if (nextShard(this.head.doc) !== null) this.followSealedHead();
		if (!changed) return;
		const ordered = [...this.shards.values()].sort((a, b) => a.number - b.number);
		const messages = ordered.flatMap((shard) => shard.listed);
		const positions = new Map<string, number>();
		messages.forEach((message, index) => positions.set(message.id, index));
		const latestMarks = new Map<string, ReadMark>();
		for (const shard of ordered)
			for (const [userId, mark] of shard.marks) latestMarks.set(userId, mark);
		const readPositions = new Map<string, number>();
		for (const [userId, mark] of latestMarks) {
			readPositions.set(userId, positions.get(mark.messageId) ?? -1);
		}
		this.positions = positions;
		this.readPositions = readPositions;
		this.messages = messages;
		this.myMark = latestMarks.get(this.user.id) ?? null;
	}

	private myMark: ReadMark | null = null;

	private countUnread(): number {
		const messages = this.messages;
		const mine = this.readPositions.get(this.user.id);
		const counts = (m: ListedMessage) =>
			m.authorId !== this.user.id && !m.deleted && m.threadId === null;
		if (mine !== undefined) {
			if (mine >= 0) {
				let count = 0;
				for (let index = mine + 1; index < messages.length; index++) {
					if (counts(messages[index]!)) count++;
				}
				return count;
			}
			const at = this.myMark?.at ?? 0;
			return messages.filter((m) => counts(m) && (m.acceptedAt ?? Infinity) > at).length;
		}
		// No mark in the loaded history: everything loaded is unread, or what the server says.
		return Math.max(this.serverUnread, messages.filter(counts).length);
	}

	private readTyping(): void {
		const awareness = this.head.provider?.awareness;
		if (!awareness) return;
		const now = Date.now();
		const people: TypingPerson[] = [];
		const seen = new Set<number>();
		for (const [clientId, raw] of awareness.getStates()) {
			if (clientId === awareness.clientID) continue;
			const state = raw as AwarenessShape;
			const id = state.user?.id;
			const typing = state.typing;
			if (typeof id !== 'string' || id === this.user.id || !typing || typing.typing !== true)
				continue;
			seen.add(clientId);
			const previous = this.typingSeen.get(clientId);
			const entry = previous && previous.at === typing.at ? previous : { at: typing.at, seen: now };
			this.typingSeen.set(clientId, entry);
			if (now - entry.seen > TYPING_SHOWN_MS) continue;
			if (people.some((person) => person.id === id)) continue;
			people.push({
				id,
				name: typeof state.user?.name === 'string' ? state.user.name : 'Someone',
				threadId: typeof typing.threadId === 'string' ? typing.threadId : null
			});
		}
		for (const clientId of this.typingSeen.keys())
			if (!seen.has(clientId)) this.typingSeen.delete(clientId);
		const same =
			people.length === this.typing.length &&
			people.every(
				(p, i) => p.id === this.typing[i]?.id && p.threadId === this.typing[i]?.threadId
			);
		if (!same) this.typing = people;
		// While someone shows as typing, look again every second so that it expires.
		if (people.length > 0 && !this.typingTimer) {
			this.typingTimer = setInterval(() => this.readTyping(), 1_000);
		} else if (people.length === 0 && this.typingTimer) {
			clearInterval(this.typingTimer);
			this.typingTimer = null;
		}
	}

	private shardOf(messageId: string): Shard | null {
		for (const shard of this.shards.values()) {
			if (shard.listed.some((m) => m.id === messageId)) return shard;
		}
		return null;
	}
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
