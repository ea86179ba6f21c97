import { untrack } from 'svelte';
import type { HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import type * as Y from 'yjs';
import type { DocumentKind, ListedMessage, Mention } from '$lib/shared/chat/document-schema.ts';
import type { Attachment } from '$lib/shared/chat/values.ts';
import type { MentionScope } from './unread-count.ts';
import { CloseRecovery, type ConversationNotice } from './close-recovery.ts';
import { ConversationAccess, type ConversationRights } from './conversation-access.svelte.ts';
import { ConversationCommands } from './conversation-commands.ts';
import { ConversationShards, type ConversationStatus } from './conversation-shards.svelte.ts';
import { ConversationView } from './conversation-view.svelte.ts';
import type { LocalCopyFactory } from './local-copy.ts';
import type { TabRelay, TabRelayOptions } from './tab-relay.ts';
import { ConversationTyping, type TypingPerson } from './typing.svelte.ts';

/**
 * One conversation (channel, group or direct conversation) as the browser holds it: the parts,
 * each with one job, wired together and presented to the UI as one object.
 *
 * - `shards` (conversation-shards.svelte.ts): the documents, their providers, local copies and
 *   tab relays, the head shard, older history;
 * - `recovery` (close-recovery.ts): what a close or refusal from the server leads to;
 * - `view` (conversation-view.svelte.ts): the messages, threads, read marks and counts shown;
 * - `commands` (conversation-commands.ts): the person's writes;
 * - `typing` (typing.svelte.ts): who is typing, and this tab's own signal;
 * - `access` (conversation-access.svelte.ts): rights, read-only, a project room's end.
 *
 * The members below only hand on to the part that does the work.
 */

export interface ConversationChannel {
	id: string;
	/** The channel kind of the API; direct conversations live in `dm.` documents. */
	kind: string;
	headShard: number;
	/** When the conversation turns read-only (ms): a project room's end; none when omitted. */
	endsAt?: number | null;
}

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
	/** Of those, the ones that mention the person. */
	serverMentions?: number;
	/** The person's team and who `@team` names here, for counting mentions. */
	teamId?: string | null;
	mentionScope?: MentionScope;
	/** Relays local changes of each document to the person's other tabs; none when omitted. */
	relay?: (documentName: string, doc: Y.Doc, options: TabRelayOptions) => TabRelay | null;
	/** Every (re)listing of a shard, for the search index; an empty list when a shard is dropped. */
	onListed?: (channelId: string, shard: number, messages: ListedMessage[]) => void;
	/** Milliseconds to coalesce document updates before recomputing (0 in tests is fine). */
	flushDelay?: number;
}

export class Conversation {
	readonly channelId: string;
	readonly documentKind: DocumentKind;
	readonly user: { id: string; name: string };

	readonly shards: ConversationShards;
	readonly view: ConversationView;
	readonly access: ConversationAccess;
	readonly typingSignals: ConversationTyping;
	readonly commands: ConversationCommands;
	private readonly recovery: CloseRecovery;

	constructor(options: ConversationOptions) {
		this.channelId = options.channel.id;
		this.documentKind =
			options.channel.kind === 'dm' || options.channel.kind === 'breakout'
				? options.channel.kind
				: 'channel';
		this.user = options.user;
		this.shards = new ConversationShards({
			channelId: this.channelId,
			documentKind: this.documentKind,
			headShard: options.channel.headShard,
			socket: options.socket,
			localCopy: options.localCopy,
			relay: options.relay,
			events: {
				changed: (shard) => this.view.invalidate(shard),
				relist: () => this.view.flushNow(),
				headScope: (scope) => (this.access.readOnly = scope === 'readonly'),
				headAttached: (provider) => this.typingSignals.follow(provider),
				headLeft: () => this.typingSignals.unfollow(),
				closed: (shard, provider, reason) => this.recovery.onClosed(shard, provider, reason),
				denied: (shard, provider, reason) => this.recovery.onDenied(shard, provider, reason)
			}
		});
		this.view = new ConversationView({
			channelId: this.channelId,
			userId: this.user.id,
			shards: this.shards,
			serverUnread: options.serverUnread,
			serverMentions: options.serverMentions,
			teamId: options.teamId,
			mentionScope: options.mentionScope,
			onListed: options.onListed,
			flushDelay: options.flushDelay
		});
		this.typingSignals = new ConversationTyping(
			this.user,
			() => this.shards.head.provider?.awareness ?? null
		);
		this.access = new ConversationAccess(options.rights, {
			revoked: () => this.shards.status === 'revoked',
			onEnded: () => this.typingSignals.set(false)
		});
		this.commands = new ConversationCommands({
			user: this.user,
			shards: this.shards,
			view: this.view,
			access: this.access,
			typing: this.typingSignals
		});
		this.recovery = new CloseRecovery({
			channelId: this.channelId,
			user: this.user,
			shards: this.shards,
			view: this.view,
			typing: this.typingSignals,
			onNotice: options.onNotice ?? (() => {})
		});
		this.shards.start();
		this.access.setEndsAt(options.channel.endsAt ?? null);
	}

	// ---- State (shards, access, typing, view) ---------------------------------------------------

	get status(): ConversationStatus {
		return this.shards.status;
	}
	/**
	 * What is unread is known: the head has synced with the server, or the server is out of
	 * reach and the local copy is all there is.
	 */
	get settled(): boolean {
		return this.shards.status === 'ready' && (this.shards.synced || !this.shards.reachable());
	}
	/** The head document has synced with the server (at least once since opened). */
	get synced(): boolean {
		return this.shards.synced;
	}
	/**
	 * The messages shown are what the conversation holds (loaded from the local copy or synced):
	 * before this, no messages means "not loaded yet", not "none".
	 */
	get loaded(): boolean {
		return this.view.loaded;
	}
	get loadingOlder(): boolean {
		return this.shards.loadingOlder;
	}
	/** The oldest shard loaded; older history exists while it is above 0. */
	get oldestShard(): number {
		return this.shards.oldestShard;
	}
	/** Older history exists but this browser does not hold it, and the server is out of reach. */
	get olderUnavailable(): boolean {
		return this.shards.olderUnavailable;
	}
	get hasOlder(): boolean {
		return this.shards.hasOlder;
	}
	/** The server gave a read-only connection (an ended project room, an archived channel). */
	get readOnly(): boolean {
		return this.access.readOnly;
	}
	/** The conversation's end has passed (a project room): read-only from that moment. */
	get ended(): boolean {
		return this.access.ended;
	}
	get rights(): ConversationRights {
		return this.access.rights;
	}
	get typing(): TypingPerson[] {
		return this.typingSignals.typing;
	}
	/** Every loaded message (thread replies included), oldest first, the same order for all. */
	get messages(): ListedMessage[] {
		return this.view.messages;
	}
	/** Unread count from the server's list, for before the documents have loaded. */
	get serverUnread(): number {
		return this.view.serverUnread;
	}
	set serverUnread(count: number) {
		this.view.serverUnread = count;
	}
	/** Mention count from the server's list, for before the documents have loaded. */
	get serverMentions(): number {
		return this.view.serverMentions;
	}
	set serverMentions(count: number) {
		this.view.serverMentions = count;
	}
	get pendingCount(): number {
		return this.view.pendingCount;
	}
	/** Top-level messages (not thread replies). */
	get topLevel(): ListedMessage[] {
		return this.view.topLevel;
	}
	/** Thread root id → replies, oldest first. */
	get threads(): Map<string, ListedMessage[]> {
		return this.view.threads;
	}
	get unread(): number {
		return this.view.unread;
	}
	/** Unread messages that mention the person (by name, @channel, @team of theirs). */
	get mentions(): number {
		return this.view.mentions;
	}
	/** The oldest unread message, or null. */
	get firstUnreadId(): string | null {
		return this.view.counts.firstUnreadId;
	}
	/** Where the person's read mark stands in `messages` (-1 when none is loaded). */
	get readPosition(): number {
		return this.view.readPosition(this.user.id);
	}

	// ---- Reading (view) -------------------------------------------------------------------------

	seenBy(messageId: string): string[] {
		return this.view.seenBy(messageId);
	}
	/** Where the message stands in `messages` (-1 when it is not loaded). */
	position(messageId: string): number {
		return this.view.position(messageId);
	}
	message(messageId: string): ListedMessage | null {
		return this.view.message(messageId);
	}
	replies(rootId: string): ListedMessage[] {
		return this.view.replies(rootId);
	}
	lastOwnMessage(threadId: string | null = null): ListedMessage | null {
		return this.view.lastOwnMessage(threadId);
	}
	ownReactions(messageId: string): string[] {
		return this.view.ownReactions(messageId);
	}

	// ---- Writing (commands, typing, access) -----------------------------------------------------

	send(text: string, options: Parameters<ConversationCommands['send']>[1] = {}): string {
		return this.commands.send(text, options);
	}
	reply(threadId: string, text: string, mentions: Mention[] = []): string {
		return this.commands.reply(threadId, text, mentions);
	}
	sendVoice(attachment: Attachment, threadId: string | null = null): string {
		return this.commands.sendVoice(attachment, threadId);
	}
	edit(messageId: string, text: string, mentions?: Mention[]): void {
		this.commands.edit(messageId, text, mentions);
	}
	delete(messageId: string): void {
		this.commands.delete(messageId);
	}
	toggleReaction(messageId: string, emoji: string): void {
		this.commands.toggleReaction(messageId, emoji);
	}
	markRead(): void {
		this.commands.markRead();
	}
	markReadUpTo(messageId: string): void {
		this.commands.markReadUpTo(messageId);
	}
	setTyping(threadId: string | null | false): void {
		this.typingSignals.set(threadId);
	}
	setRights(rights: ConversationRights): void {
		// Untracked: callers are effects that read the rights they set, which would loop.
		const couldPost = untrack(() => this.access.rights.post);
		this.access.setRights(rights);
		if (couldPost && !rights.post) this.recovery.withdrawPosting(rights.react);
	}
	setEndsAt(endsAt: number | null): void {
		this.access.setEndsAt(endsAt);
	}

	// ---- History and lifecycle -------------------------------------------------------------------

	loadOlder(): Promise<boolean> {
		return this.shards.loadOlder();
	}

	/**
	 * Finds a message, loading older shards until it shows up (a search result in older
	 * history). Resolves with the message, or null when it is not there (or not reachable).
	 */
	async reveal(messageId: string, timeoutMs = 20_000): Promise<ListedMessage | null> {
		const shards = this.shards;
		const started = Date.now();
		for (;;) {
			if (shards.destroyed || shards.status === 'revoked') return null;
			this.view.flushNow();
			const found = this.view.message(messageId);
			if (found) return found;
			if (Date.now() - started > timeoutMs) return null;
			const headSettled = shards.status === 'ready' && (shards.head.synced || !shards.reachable());
			if (!headSettled) {
				await sleep(50);
				continue;
			}
			if (shards.oldestShard <= 0 || shards.olderUnavailable) return null;
			if (!(await shards.loadOlder())) {
				if (shards.olderUnavailable) return null;
				await sleep(50);
			}
		}
	}

	/**
	 * The conversation is no longer the person's (the server's channel list says so): its
	 * documents close and their local copies are deleted, without a notice.
	 */
	async discard(): Promise<void> {
		if (this.shards.status === 'revoked' || this.shards.destroyed) return;
		this.shards.status = 'revoked';
		this.view.clear();
		await this.shards.closeAll('clear');
		this.destroy();
	}

	destroy(): void {
		if (this.shards.destroyed) return;
		this.typingSignals.set(false);
		this.view.destroy();
		this.typingSignals.destroy();
		this.access.destroy();
		this.shards.destroy();
	}
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
