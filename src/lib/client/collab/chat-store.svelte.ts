/* eslint-disable svelte/prefer-svelte-reactivity -- the Maps and Sets here are private caches or
   snapshots that are assigned whole to $state.raw fields; per-entry reactivity would only cost. */
import { layoutContext } from '$lib/client/app-context.ts';
import { SvelteMap } from 'svelte/reactivity';
import { call, callWithHeaders } from '$lib/client/api.ts';
import * as channelsApi from '$lib/shared/api/channels.ts';
import type { ChannelDetail, ChannelSummary } from '$lib/shared/api/channels.schema.ts';
import {
	closeSharedConnection,
	sharedConnection,
	type CollabConnection,
	type ConnectionStatus
} from './connection.svelte.ts';
import { SearchClient } from '$lib/client/search/search-client.ts';
import type { KnownChannel, KnownPerson } from '$lib/client/search/results.ts';
import { channelGroups, channelTitle, channelTitleOf } from './channel-display.ts';
import type { ConversationNotice } from './close-recovery.ts';
import { Conversation } from './conversation.svelte.ts';
import { clearCopiesExcept, indexedDbCopies, localCopyName } from './local-copy.ts';
import { HocuspocusProvider } from '@hocuspocus/provider';
import { presenceDocumentName } from '$lib/shared/chat/presence.ts';
import {
	feedDocumentName,
	type FeedEvent,
	type RemovalReason
} from '$lib/shared/feed/feed-event.ts';
import { FeedEffects } from './feed-effects.ts';
import { NotificationStore } from '../notifications/notification-store.svelte.ts';
import { BreakoutBoard } from '../breakouts/breakout-board.svelte.ts';
import { BroadcastStore } from '../broadcasts/broadcast-store.svelte.ts';
import { PersonFeed } from './person-feed.svelte.ts';
import { closeReason } from '$lib/shared/collab/close-reasons.ts';
import { PresenceHub } from './presence.svelte.ts';
import type { RefusedItem } from './refusal.ts';
import { relayDocument } from './tab-relay.ts';

/**
 * The chat data of one browser tab: the channel list, one Conversation per channel (kept open
 * in the background so that unread counts, presence and typing are live everywhere), the shared
 * connection, presence, the person's live feed (person-feed.svelte.ts, feed-effects.ts), the
 * local search index, the people known by name, and the notices the person must see (refused
 * messages, lost access). Created by the app layout per signed-in
 * person and handed down by context; it opens nothing until `start()` runs in the browser.
 * What the screen shows besides is screen-state.svelte.ts's; how channels are named and
 * ordered, channel-display.ts's.
 */

export interface ChatUser {
	id: string;
	name: string;
	teamId: string | null;
	orgId: string;
}

export interface ChatNotice {
	id: number;
	kind: 'refused' | 'access-revoked' | 'unauthenticated';
	channelId: string;
	channelName: string;
	reason: string;
	items: RefusedItem[];
	/** Why access ended, when the feed said so (absent: found out otherwise, unexpectedly). */
	why?: RemovalReason;
}

/** A person the chat store knows by name (channel members, the directory): search and filters. */
export interface Person extends KnownPerson {
	title?: string;
	/** Their team, where known (channel members): who an `@team` in a department channel names. */
	teamId?: string | null;
}

/** The last chat store teardown of this tab (sign-out waits for it before deleting copies). */
let teardown: Promise<void> = Promise.resolve();

export function chatStoreTeardown(): Promise<void> {
	return teardown;
}

/** Set by the service worker on answers it serves from its cache (offline). */
const OFFLINE_HEADER = 'x-connectflow-offline';

/** Conversations kept live in the background; more than this open on demand only. */
const MAX_WATCHED = 60;
/**
 * At start, the conversations in the background wait for the one on screen to load its local
 * copy (up to this long): opened all at once, up to sixty local copies are read and listed
 * before the one the person is looking at shows.
 */
const BACKGROUND_WAIT_MS = 1_500;
const REFRESH_EVERY_MS = 30_000;
const LEFT_NOTICE_MS = 6_000;

export class ChatStore {
	readonly user: ChatUser;
	channels = $state.raw<ChannelSummary[]>([]);
	notices = $state<ChatNotice[]>([]);
	/** The channel on screen: kept open whatever its place in the list. */
	activeChannelId = $state<string | null>(null);
	/** Bumped when the person's rights in some channel changed (pages reload their data). */
	accessVersion = $state(0);
	/** The session ended (signed out elsewhere, deactivated): the app must sign in again. */
	signedOut = $state(false);
	/** The person is signing out here: closed connections are expected, not news. */
	leaving = false;
	readonly presence = new PresenceHub();
	/** The person's feed: every change to their world, live (see feed-effects.ts). */
	readonly feed: PersonFeed;
	/** The person's notifications: the bell and its panel, kept live by the feed. */
	readonly notifications = new NotificationStore();
	/** The breakout rooms the person is in: countdowns on the server's clock, their ends. */
	readonly breakouts = new BreakoutBoard(undefined, () => this.retimeEnds());
	/** Emergency broadcasts to acknowledge (banners), kept live by the feed. */
	readonly broadcasts = new BroadcastStore();
	/**
	 * Reads the page's data again (set by the app layout): the feed calls it when the person's
	 * role or place changed, so Home and the sidebar show them as they are now.
	 */
	reloadPage: () => Promise<void> | void = () => {};
	readonly ordered = $derived(channelGroups(this.channels).flatMap((group) => group.channels));
	/** People known by name: the person, channel members, DM partners, the directory. */
	people = $state.raw<ReadonlyMap<string, Person>>(new Map());
	/** Channels as search names them (in: filters, result labels). */
	readonly searchChannels = $derived<KnownChannel[]>(
		this.ordered.map((channel) => ({
			id: channel.id,
			label: channelTitle(channel),
			kind: channel.kind
		}))
	);
	/** The local search index of this tab (null before start). */
	search: SearchClient | null = null;
	/** Whether the index was loaded from what an earlier visit saved, or started empty. */
	searchIndex = $state<'opening' | 'restored' | 'new'>('opening');

	private connection = $state<CollabConnection | null>(null);
	private readonly conversations = new SvelteMap<string, Conversation>();
	/**
	 * Channels whose access was lost in this tab, each with the number of list requests asked
	 * when the loss was learnt: not listed nor opened again (which would store a new local copy)
	 * until a list fresh from the server, asked after that, names them again. Lists that are no
	 * news (the layout's data, an answer the service worker kept, a request older than the loss)
	 * may still name them: they stay out.
	 */
	private readonly lost = new SvelteMap<string, number>();
	/** List requests asked of the server, and the newest whose answer was applied. */
	private listsAsked = 0;
	private listApplied = 0;
	private started = false;
	/** The background conversations have not been opened yet (see BACKGROUND_WAIT_MS). */
	private holdingBackground = false;
	private noticeId = 0;
	private refreshTimer: ReturnType<typeof setInterval> | null = null;
	private cleanups: (() => void)[] = [];

	/** `feedSeq`: the feed's seq when `channels` were read (the page's load). */
	constructor(user: ChatUser, channels: ChannelSummary[], feedSeq = 0) {
		this.user = user;
		this.channels = channels;
		this.feed = new PersonFeed(feedSeq);
		this.learnPeople([{ id: user.id, name: user.name }]);
		this.learnPeople(channels.flatMap((channel) => channel.partners));
	}

	/** Remembers people's names (for search filters, and kept with the search index offline). */
	learnPeople(people: readonly Person[]): void {
		let next: Map<string, Person> | null = null;
		for (const person of people) {
			const known = (next ?? this.people).get(person.id);
			if (
				known &&
				known.name === person.name &&
				(person.email === undefined || known.email === person.email) &&
				(person.title === undefined || known.title === person.title) &&
				(person.teamId === undefined || known.teamId === person.teamId)
			)
				continue;
			next ??= new Map(this.people);
			next.set(person.id, { ...known, ...person });
		}
		if (!next) return;
		this.people = next;
		this.search?.people(
			people.map(({ id, name, email }) => ({ id, name, ...(email ? { email } : {}) }))
		);
	}

	get status(): ConnectionStatus {
		return this.connection?.status ?? 'connecting';
	}

	/** Own messages waiting for the server, over every conversation. */
	get pendingTotal(): number {
		let total = 0;
		for (const conversation of this.conversations.values()) total += conversation.pendingCount;
		return total;
	}

	/** Whether conversations can be opened: the store has started in the browser. */
	get ready(): boolean {
		return this.connection !== null;
	}

	/** Opens the connection and every conversation (browser only, once). */
	start(): void {
		if (this.started || typeof window === 'undefined') return;
		this.started = true;
		this.connection = sharedConnection();
		this.search = new SearchClient(this.user.id);
		void this.search.opened.then((opened) => {
			this.searchIndex = opened?.restored ? 'restored' : 'new';
			if (opened) this.learnPeople(opened.people);
			this.search?.people([...this.people.values()]);
			if (this.channels.length > 0) this.search?.retainChannels(this.channels.map((c) => c.id));
		});
		this.presence.start();
		this.followPresence(this.connection);
		this.followFeed(this.connection);
		this.holdingBackground = true;
		const release = setTimeout(() => this.releaseBackground(), BACKGROUND_WAIT_MS);
		this.cleanups.push(() => clearTimeout(release));
		this.watchAll();
		this.refreshTimer = setInterval(() => void this.refresh(), REFRESH_EVERY_MS);
		// Each time the connection comes (back), the list is checked: access may have changed.
		const socket = this.connection.socket;
		const onStatus = ({ status }: { status: string }) => {
			if (status === 'connected') void this.refresh();
		};
		socket.on('status', onStatus);
		this.cleanups.push(() => socket.off('status', onStatus));
		const refreshList = () => void this.refresh();
		window.addEventListener('focus', refreshList);
		this.cleanups.push(() => window.removeEventListener('focus', refreshList));
		// So is the browser's return online: the socket may have outlived the outage (no new
		// connection), while what was asked meanwhile got only the service worker's old answers.
		window.addEventListener('online', refreshList);
		this.cleanups.push(() => window.removeEventListener('online', refreshList));
		// The index is saved a little after changes; leaving the page saves it at once.
		const onHidden = () => {
			if (document.visibilityState === 'hidden') void this.search?.flush();
		};
		document.addEventListener('visibilitychange', onHidden);
		this.cleanups.push(() => document.removeEventListener('visibilitychange', onHidden));
	}

	/** Opens the organization's presence document (no local copy: presence is only live). */
	private followPresence(connection: CollabConnection): void {
		const provider = new HocuspocusProvider({
			websocketProvider: connection.socket,
			name: presenceDocumentName(this.user.orgId),
			// The server reads the session cookie; the token only has to be present.
			token: 'cookie'
		});
		// The hub repeats this tab's status there every 15 s: what tells the server an idle tab
		// is still there.
		const unfollow = this.presence.follow(provider);
		provider.attach();
		this.cleanups.push(() => {
			unfollow();
			provider.destroy();
		});
	}

	/** Opens the person's feed (no local copy: it carries only the server's events). */
	private followFeed(connection: CollabConnection): void {
		const provider = new HocuspocusProvider({
			websocketProvider: connection.socket,
			name: feedDocumentName(this.user.id),
			token: 'cookie'
		});
		const unfollow = this.feed.follow(
			provider,
			new FeedEffects({
				patchChannel: (change) => this.patchChannel(change),
				forgetChannel: (channelId, why) => this.forgetChannel(channelId, why),
				refreshChannels: () => this.refresh(),
				reloadPage: () => this.reloadPage(),
				notifications: this.notifications,
				moveEnd: (channelId, endsAt) => this.moveEnd(channelId, endsAt),
				titleOf: (channelId) => {
					const channel = this.channel(channelId);
					return channel ? channelTitle(channel) : null;
				},
				breakouts: this.breakouts,
				broadcasts: this.broadcasts
			})
		);
		provider.attach();
		this.cleanups.push(() => {
			unfollow();
			provider.destroy();
		});
	}

	/** A conversation's new settings, as the feed tells them: shown at once. */
	patchChannel(change: Extract<FeedEvent, { kind: 'conversation.changed' }>['data']): void {
		const { channelId, ...fields } = change;
		if (!this.channel(channelId)) return;
		this.channels = this.channels.map((channel) =>
			channel.id === channelId ? { ...channel, ...fields } : channel
		);
	}

	/** A conversation's new end (a breakout room extended): it turns read-only then, not before. */
	moveEnd(channelId: string, endsAt: string): void {
		if (!this.channel(channelId)) return;
		this.channels = this.channels.map((channel) =>
			channel.id === channelId ? { ...channel, endsAt } : channel
		);
		this.conversations.get(channelId)?.setEndsAt(this.endOf({ endsAt }));
	}

	/** The device's clock is known to be off: every conversation's end is timed again. */
	private retimeEnds(): void {
		for (const channel of this.channels) {
			this.conversations.get(channel.id)?.setEndsAt(this.endOf(channel));
		}
	}

	/**
	 * When a conversation ends by this device's clock (ms): its end by the server's, moved by
	 * how far this device's clock is off (learnt from the breakout API's answers).
	 */
	endOf(channel: Pick<ChannelSummary, 'endsAt'>): number | null {
		return channel.endsAt === null ? null : Date.parse(channel.endsAt) - this.breakouts.offset;
	}

	/** Access to a conversation is gone (the feed says so): off the screen and the device. */
	forgetChannel(channelId: string, why: RemovalReason): void {
		const summary = this.channel(channelId);
		if (!summary && !this.conversations.has(channelId)) {
			// The server's close of the connection came first: its notice learns why now.
			this.notices = this.notices.map((notice) =>
				notice.kind === 'access-revoked' && notice.channelId === channelId && !notice.why
					? { ...notice, why }
					: notice
			);
			return;
		}
		const reason = closeReason('access-revoked', 'no longer in your conversations').reason;
		this.lose(
			channelId,
			reason,
			channelTitleOf(summary),
			(conversation) => {
				void conversation.discard();
			},
			why
		);
	}

	/**
	 * Access to a conversation is gone (the feed said so, or the server closed it): the person
	 * is told, and it leaves the list, the search index and this tab. `end` finishes its copy.
	 */
	private lose(
		channelId: string,
		reason: string,
		channelName: string,
		end: (conversation: Conversation) => void,
		why?: RemovalReason
	): void {
		// Lists asked until now may have been answered before the loss.
		this.lost.set(channelId, this.listsAsked);
		this.push({ kind: 'access-revoked', channelId, channelName, reason, items: [], why });
		this.search?.removeChannel(channelId);
		const conversation = this.conversations.get(channelId);
		if (conversation) end(conversation);
		this.conversations.delete(channelId);
		// The page of that channel says so itself (`lostAccess`): no reload into a "not found".
		this.channels = this.channels.filter((channel) => channel.id !== channelId);
	}

	destroy(): void {
		this.feed.destroy();
		if (this.refreshTimer) clearInterval(this.refreshTimer);
		for (const cleanup of this.cleanups.splice(0)) cleanup();
		for (const conversation of this.conversations.values()) conversation.destroy();
		this.conversations.clear();
		this.presence.destroy();
		// The socket carries this person's cookie: the next person of this tab gets a new one.
		if (this.started) closeSharedConnection();
		this.connection = null;
		this.started = false;
		const search = this.search;
		this.search = null;
		if (search) teardown = Promise.all([teardown, search.close()]).then(() => undefined);
	}

	channel(channelId: string): ChannelSummary | null {
		return this.channels.find((channel) => channel.id === channelId) ?? null;
	}

	/** Whether access to the channel was lost (its local copy is gone). */
	lostAccess(channelId: string): boolean {
		return this.lost.has(channelId);
	}

	/** The live conversation of a channel (null before start or for an unknown channel). */
	conversation(channelId: string): Conversation | null {
		return this.conversations.get(channelId) ?? null;
	}

	/**
	 * The conversation on screen: makes sure the channel is known (a direct conversation just
	 * opened from elsewhere) and open, and marks it as the active one.
	 */
	open(channel: ChannelSummary): Conversation | null {
		if (this.lost.has(channel.id)) {
			// The page's data may be older than the news (kept offline): it stays closed.
			this.activeChannelId = channel.id;
			return null;
		}
		this.upsert(channel);
		this.activeChannelId = channel.id;
		const conversation = this.ensure(channel);
		if (this.holdingBackground) {
			if (conversation) void conversation.shards.head.loaded.then(() => this.releaseBackground());
			else this.releaseBackground();
		}
		return conversation;
	}

	private releaseBackground(): void {
		if (!this.holdingBackground) return;
		this.holdingBackground = false;
		this.watchAll();
	}

	unread(channelId: string): number {
		return this.count(channelId, 'unread');
	}

	/** Unread messages of the channel that mention the person (@name, @channel, @team). */
	mentions(channelId: string): number {
		return this.count(channelId, 'mentions');
	}

	/** A count of the channel's: its open conversation's once synced, else the channel list's. */
	private count(channelId: string, kind: 'unread' | 'mentions'): number {
		const summary = this.channel(channelId);
		const conversation = this.conversations.get(channelId);
		if (conversation && conversation.status === 'ready' && conversation.synced) {
			return conversation[kind];
		}
		return summary?.[kind] ?? 0;
	}

	/**
	 * What the browser tab's title counts, as Slack does: a number for what is addressed to the
	 * person (mentions, and every unread message of a direct conversation), else only a mark
	 * that something is unread ("*"), so plain channel chatter does not shout.
	 */
	readonly attention = $derived.by(() => {
		let addressed = 0;
		let unread = false;
		for (const channel of this.channels) {
			const count = this.unread(channel.id);
			if (count > 0) unread = true;
			addressed += channel.kind === 'dm' ? count : this.mentions(channel.id);
		}
		return { addressed, unread };
	});

	/** The channel before or after the given one in sidebar order (wrapping). */
	adjacent(channelId: string | null, step: 1 | -1): ChannelSummary | null {
		const list = this.ordered;
		if (list.length === 0) return null;
		const index = list.findIndex((channel) => channel.id === channelId);
		if (index === -1) return list[step === 1 ? 0 : list.length - 1] ?? null;
		return list[(index + step + list.length) % list.length] ?? null;
	}

	/**
	 * Replaces the channel list, opening and closing conversations to match. A list fresh from
	 * the server (`freshAsOf`: the number of the request it answers) is the truth about access:
	 * conversations it no longer names are forgotten, their local copies deleted (those of this
	 * tab and any other stored). Channels whose access was lost stay out of any other list.
	 */
	setChannels(given: ChannelSummary[], freshAsOf: number | null = null): void {
		const fresh = freshAsOf !== null;
		if (fresh) {
			const named = new Set(given.map((channel) => channel.id));
			for (const [id, asked] of [...this.lost]) {
				if (named.has(id) && freshAsOf > asked) this.lost.delete(id);
			}
		}
		const channels = given.filter((channel) => !this.lost.has(channel.id));
		const before = new Map(this.channels.map((channel) => [channel.id, channel]));
		this.channels = channels;
		this.learnPeople(channels.flatMap((channel) => channel.partners));
		// Search forgets channels no longer listed (an empty list is more likely a failure).
		if (channels.length > 0) this.search?.retainChannels(channels.map((channel) => channel.id));
		const known = new Set(channels.map((channel) => channel.id));
		for (const [id, conversation] of this.conversations) {
			if (!known.has(id)) {
				if (fresh) {
					this.lost.set(id, freshAsOf);
					if (conversation.status !== 'revoked') {
						this.push({
							kind: 'access-revoked',
							channelId: id,
							channelName: channelTitleOf(before.get(id) ?? null),
							reason: closeReason('access-revoked', 'no longer in your conversations').reason,
							items: []
						});
					}
					void conversation.discard();
					this.search?.removeChannel(id);
				} else conversation.destroy();
				this.conversations.delete(id);
			}
		}
		if (fresh && channels.length > 0) void clearCopiesExcept(this.user.id, known);
		for (const channel of channels) {
			const conversation = this.conversations.get(channel.id);
			if (conversation) {
				conversation.setRights(channel.access);
				conversation.setEndsAt(this.endOf(channel));
				conversation.serverUnread = channel.unread;
				conversation.serverMentions = channel.mentions;
			}
		}
		this.watchAll();
	}

	/** A channel as the server just described it (created, changed, joined). */
	upsert(channel: ChannelSummary | ChannelDetail): void {
		if ('members' in channel) this.learnPeople(channel.members);
		this.lost.delete(channel.id);
		const summary = toSummary(channel);
		const index = this.channels.findIndex((c) => c.id === summary.id);
		this.channels =
			index === -1
				? [...this.channels, summary]
				: this.channels.map((c, i) =>
						i === index ? { ...summary, unread: c.unread, mentions: c.mentions } : c
					);
		this.conversations.get(summary.id)?.setRights(summary.access);
		this.conversations.get(summary.id)?.setEndsAt(this.endOf(summary));
	}

	async refresh(): Promise<void> {
		const asked = ++this.listsAsked;
		try {
			const { value, headers } = await callWithHeaders(channelsApi.listChannels);
			// Answers can overtake one another: one older than the list shown is no news.
			if (asked < this.listApplied) return;
			this.listApplied = asked;
			// An answer the service worker kept (offline) is no news about access.
			const fresh = headers.get(OFFLINE_HEADER) === null;
			this.setChannels(value.channels, fresh ? asked : null);
		} catch {
			// Offline or signed out: the list stays as it was.
		}
	}

	async createChannel(input: {
		kind: 'project' | 'private';
		name: string;
		topic: string;
		memberIds: string[];
		startsAt?: string;
		endsAt?: string;
	}): Promise<ChannelDetail> {
		const detail = await call(channelsApi.createChannel, { body: input });
		this.upsert(detail);
		this.ensure(detail);
		return detail;
	}

	async openDm(memberIds: string[]): Promise<ChannelDetail> {
		const detail = await call(channelsApi.openDm, { body: { memberIds } });
		this.upsert(detail);
		this.ensure(detail);
		return detail;
	}

	dismiss(noticeId: number): void {
		this.notices = this.notices.filter((notice) => notice.id !== noticeId);
	}

	private watchAll(): void {
		if (!this.started) return;
		if (!this.holdingBackground) {
			for (const channel of this.ordered.slice(0, MAX_WATCHED)) this.ensure(channel);
		}
		if (this.activeChannelId) {
			const active = this.channel(this.activeChannelId);
			if (active) this.ensure(active);
		}
	}

	private ensure(channel: ChannelSummary): Conversation | null {
		if (!this.started || !this.connection || this.lost.has(channel.id)) return null;
		const existing = this.conversations.get(channel.id);
		if (existing && existing.status !== 'revoked') return existing;
		existing?.destroy();
		const conversation = new Conversation({
			channel: {
				id: channel.id,
				kind: channel.kind,
				headShard: channel.headShard,
				endsAt: this.endOf(channel)
			},
			user: { id: this.user.id, name: this.user.name },
			socket: this.connection.socket,
			rights: channel.access,
			localCopy: indexedDbCopies(this.user.id),
			relay: (name, doc, options) => relayDocument(localCopyName(this.user.id, name), doc, options),
			onListed: (channelId, shard, messages) => this.search?.listed(channelId, shard, messages),
			serverUnread: channel.unread,
			serverMentions: channel.mentions,
			teamId: this.user.teamId,
			mentionScope: {
				channelTeamId: channel.kind === 'team' ? channel.teamId : null,
				teamOf: (userId) => this.people.get(userId)?.teamId
			},
			onNotice: (notice) => this.onNotice(notice)
		});
		this.conversations.set(channel.id, conversation);
		return conversation;
	}

	private onNotice(notice: ConversationNotice): void {
		const channelName = channelTitleOf(this.channel(notice.channelId));
		switch (notice.kind) {
			case 'refused':
				this.push({ ...notice, channelName, items: notice.items });
				this.accessVersion++;
				void this.refresh();
				break;
			case 'access-revoked':
				// The conversation has already dropped its local copy.
				this.lose(notice.channelId, notice.reason, channelName, (conversation) =>
					conversation.destroy()
				);
				this.accessVersion++;
				void this.refresh();
				break;
			case 'access-changed':
				this.accessVersion++;
				void this.refresh();
				break;
			case 'unauthenticated':
				if (this.leaving) break;
				if (!this.signedOut) this.push({ ...notice, channelName, items: [] });
				this.signedOut = true;
				break;
		}
	}

	private push(notice: Omit<ChatNotice, 'id'>): void {
		const id = ++this.noticeId;
		this.notices = [...this.notices, { ...notice, id }];
		// Leaving is what the person just did: confirmed briefly, nothing to act on.
		if (notice.why === 'left') setTimeout(() => this.dismiss(id), LEFT_NOTICE_MS);
	}
}

/** A channel's end as the conversation takes it (ms), or null. */
function toSummary(channel: ChannelSummary | ChannelDetail): ChannelSummary {
	if (!('members' in channel)) return channel;
	const { members: _members, ...summary } = channel;
	return summary;
}

/** The app layout's chat store, for the components below it. */
export const [getChatStore, setChatStore] = layoutContext<ChatStore>('chat store');
