/* eslint-disable svelte/prefer-svelte-reactivity -- the Maps here are private lookups or
   snapshots that are assigned whole to $state.raw fields; per-entry reactivity would only cost. */
import {
	listMessages,
	nextShard,
	ownReactions,
	readMarks,
	type ListedMessage,
	type ReadMark
} from '$lib/shared/chat/document-schema.ts';
import type { ConversationShards, Shard } from './conversation-shards.svelte.ts';
import { countUnread, type MentionScope } from './unread-count.ts';

/**
 * What the UI shows of one conversation, derived from its shards' documents: the messages in
 * order, threads, read marks ("seen by"), unread and pending counts. Recomputed once per burst
 * of document updates (`invalidate`, then `flushNow` after `flushDelay`), and only for the
 * shards that changed.
 */

export interface ConversationViewOptions {
	channelId: string;
	userId: string;
	shards: ConversationShards;
	/** Unread count the server reported, used until the documents tell better. */
	serverUnread?: number;
	/** Of those, the ones that mention the person. */
	serverMentions?: number;
	/** The person's team, for `@team` mentions. */
	teamId?: string | null;
	/** Who `@team` names here (see unread-count.ts); nobody's team is known when omitted. */
	mentionScope?: MentionScope;
	/** Every (re)listing of a shard, for the search index. */
	onListed?: (channelId: string, shard: number, messages: ListedMessage[]) => void;
	/** Milliseconds to coalesce document updates before recomputing (0 in tests is fine). */
	flushDelay?: number;
}

export class ConversationView {
	/** Every loaded message (thread replies included), oldest first, the same order for all. */
	messages = $state.raw<ListedMessage[]>([]);
	/** Unread count from the server's list, for before the documents have loaded. */
	serverUnread = $state(0);
	/** Mention count from the server's list, for before the documents have loaded. */
	serverMentions = $state(0);
	/**
	 * `messages` says what the conversation holds: the head was loaded from the local copy or
	 * synced with the server. Set in the same flush as the messages it speaks for, and never
	 * unset (a resync or a new head keeps showing what was there).
	 */
	loaded = $state(false);

	/** Each person's latest read mark, as the position of the marked message in `messages`. */
	private readPositions = $state.raw(new Map<string, number>());
	/** Message id → position in `messages`. */
	private positions = new Map<string, number>();
	private myMark: ReadMark | null = null;

	private readonly channelId: string;
	private readonly userId: string;
	private readonly shards: ConversationShards;
	private readonly onListed: ConversationViewOptions['onListed'];
	private readonly flushDelay: number;
	private readonly teamId: string | null;
	private readonly mentionScope: MentionScope;
	private flushTimer: ReturnType<typeof setTimeout> | null = null;

	readonly pendingCount = $derived(
		this.messages.reduce(
			(count, m) => count + (m.authorId === this.userId && m.acceptedAt === null ? 1 : 0),
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
	/** Unread, mentions among them, and the oldest unread message (unread-count.ts). */
	readonly counts = $derived.by(() =>
		countUnread(
			this.messages,
			{ position: this.readPositions.get(this.userId), at: this.myMark?.at ?? 0 },
			{ id: this.userId, teamId: this.teamId },
			this.mentionScope,
			{ unread: this.serverUnread, mentions: this.serverMentions }
		)
	);
	readonly unread = $derived(this.counts.unread);
	readonly mentions = $derived(this.counts.mentions);

	constructor(options: ConversationViewOptions) {
		this.channelId = options.channelId;
		this.userId = options.userId;
		this.shards = options.shards;
		this.onListed = options.onListed;
		this.flushDelay = options.flushDelay ?? 16;
		this.serverUnread = options.serverUnread ?? 0;
		this.serverMentions = options.serverMentions ?? 0;
		this.teamId = options.teamId ?? null;
		this.mentionScope = options.mentionScope ?? { channelTeamId: null, teamOf: () => undefined };
	}

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
			if (message.authorId === this.userId && !message.deleted && message.threadId === threadId) {
				return message;
			}
		}
		return null;
	}

	ownReactions(messageId: string): string[] {
		const shard = this.shards.shardOf(messageId);
		return shard ? ownReactions(shard.doc, this.userId, messageId) : [];
	}

	/** Where the message stands in `messages` (-1 when it is not loaded). */
	position(messageId: string): number {
		return this.positions.get(messageId) ?? -1;
	}

	/** Where the person's read mark stands in `messages` (-1 before any message loaded). */
	readPosition(userId: string): number {
		return this.readPositions.get(userId) ?? -1;
	}

	/** A shard's document changed: recompute soon (once for a burst of updates). */
	invalidate(shard: Shard): void {
		shard.dirty = true;
		if (this.flushTimer || this.shards.destroyed) return;
		this.flushTimer = setTimeout(() => this.flushNow(), this.flushDelay);
	}

	/** Recomputes what changed: listMessages only for the shards whose documents changed. */
	flushNow(): void {
		if (this.flushTimer) clearTimeout(this.flushTimer);
		this.flushTimer = null;
		if (this.shards.destroyed || this.shards.status === 'revoked') return;
		let changed = false;
		for (const shard of this.shards.values()) {
			if (!shard.dirty) continue;
			shard.dirty = false;
			shard.listed = listMessages(shard.doc);
			shard.marks = readMarks(shard.doc);
			this.onListed?.(this.channelId, shard.number, shard.listed);
			changed = true;
		}
		if (nextShard(this.shards.head.doc) !== null) this.shards.followSealedHead();
		const known = this.loaded || this.shards.headKnown();
		if (!changed) {
			this.loaded = known;
			return;
		}
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
		this.loaded = known;
		this.myMark = latestMarks.get(this.userId) ?? null;
	}

	/** Nothing is shown any more (access is gone). */
	clear(): void {
		this.messages = [];
	}

	destroy(): void {
		if (this.flushTimer) clearTimeout(this.flushTimer);
	}
}
