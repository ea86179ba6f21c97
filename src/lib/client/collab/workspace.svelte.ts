/* eslint-disable svelte/prefer-svelte-reactivity -- the Maps and Sets here are private caches or
   snapshots that are assigned whole to $state.raw fields; per-entry reactivity would only cost. */
import { getContext, setContext } from 'svelte';
import { SvelteMap } from 'svelte/reactivity';
import { api } from '$lib/client/api.ts';
import type { ChannelDetail, ChannelSummary } from '$lib/server/channels/channel.schema.ts';
import {
	closeSharedConnection,
	sharedConnection,
	type CollabConnection,
	type ConnectionStatus
} from './connection.svelte.ts';
import { Conversation, type ConversationNotice } from './conversation.svelte.ts';
import { indexedDbCopies } from './local-copy.ts';
import { PresenceHub } from './presence.svelte.ts';
import type { RefusedItem } from './refusal.ts';

/**
 * Everything chat in one browser tab: the channel list, one Conversation per channel (kept
 * open in the background so that unread counts, presence and typing are live everywhere), the
 * shared connection, presence, and the notices the person must see (refused messages, lost
 * access). Created by the app layout per signed-in person and handed down by context; it opens
 * nothing until `start()` runs in the browser.
 */

export interface WorkspaceUser {
	id: string;
	name: string;
	teamId: string | null;
}

export interface WorkspaceNotice {
	id: number;
	kind: 'refused' | 'access-revoked' | 'unauthenticated';
	channelId: string;
	channelName: string;
	reason: string;
	items: RefusedItem[];
}

export interface ChannelGroup {
	kind: ChannelSummary['kind'];
	label: string;
	channels: ChannelSummary[];
}

const GROUPS: { kind: ChannelSummary['kind']; label: string }[] = [
	{ kind: 'announcements', label: 'Announcements' },
	{ kind: 'department', label: 'Departments' },
	{ kind: 'team', label: 'Teams' },
	{ kind: 'project', label: 'Projects' },
	{ kind: 'private', label: 'Private groups' },
	{ kind: 'dm', label: 'Direct messages' }
];

/** Conversations kept live in the background; more than this open on demand only. */
const MAX_WATCHED = 60;
const REFRESH_EVERY_MS = 30_000;

/** What a channel is called: its name, or for a direct conversation the other people. */
export function channelTitle(channel: Pick<ChannelSummary, 'kind' | 'name' | 'partners'>): string {
	if (channel.kind !== 'dm') return channel.name;
	const names = channel.partners.map((partner) => partner.name);
	return names.length > 0 ? names.join(', ') : 'Just you';
}

/** Channels in sidebar order: by kind, then by title. */
export function channelGroups(channels: readonly ChannelSummary[]): ChannelGroup[] {
	return GROUPS.map(({ kind, label }) => ({
		kind,
		label,
		channels: channels
			.filter((channel) => channel.kind === kind)
			.sort((a, b) => channelTitle(a).localeCompare(channelTitle(b)))
	}));
}

export class Workspace {
	readonly user: WorkspaceUser;
	channels = $state.raw<ChannelSummary[]>([]);
	notices = $state<WorkspaceNotice[]>([]);
	/** The channel on screen: it reads as read while the person looks at it. */
	activeChannelId = $state<string | null>(null);
	/** Bumped when the person's rights in some channel changed (pages reload their data). */
	accessVersion = $state(0);
	/** Bumped to ask the shell to show the navigation (the back button on phones). */
	navigationRequests = $state(0);
	/** The session ended (signed out elsewhere, deactivated): the app must sign in again. */
	signedOut = $state(false);
	readonly presence = new PresenceHub();
	readonly ordered = $derived(channelGroups(this.channels).flatMap((group) => group.channels));

	private connection = $state<CollabConnection | null>(null);
	private readonly conversations = new SvelteMap<string, Conversation>();
	private started = false;
	private noticeId = 0;
	private refreshTimer: ReturnType<typeof setInterval> | null = null;
	private cleanups: (() => void)[] = [];

	constructor(user: WorkspaceUser, channels: ChannelSummary[]) {
		this.user = user;
		this.channels = channels;
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

	/** Whether conversations can be opened: the workspace has started in the browser. */
	get ready(): boolean {
		return this.connection !== null;
	}

	/** Opens the connection and every conversation (browser only, once). */
	start(): void {
		if (this.started || typeof window === 'undefined') return;
		this.started = true;
		this.connection = sharedConnection();
		this.presence.start();
		this.watchAll();
		this.refreshTimer = setInterval(() => void this.refresh(), REFRESH_EVERY_MS);
		const onFocus = () => void this.refresh();
		window.addEventListener('focus', onFocus);
		this.cleanups.push(() => window.removeEventListener('focus', onFocus));
	}

	destroy(): void {
		if (this.refreshTimer) clearInterval(this.refreshTimer);
		for (const cleanup of this.cleanups.splice(0)) cleanup();
		for (const conversation of this.conversations.values()) conversation.destroy();
		this.conversations.clear();
		this.presence.destroy();
		// The socket carries this person's cookie: the next person of this tab gets a new one.
		if (this.started) closeSharedConnection();
		this.connection = null;
		this.started = false;
	}

	channel(channelId: string): ChannelSummary | null {
		return this.channels.find((channel) => channel.id === channelId) ?? null;
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
		this.upsert(channel);
		this.activeChannelId = channel.id;
		return this.ensure(channel);
	}

	unread(channelId: string): number {
		const summary = this.channel(channelId);
		const conversation = this.conversations.get(channelId);
		if (conversation && conversation.status === 'ready' && conversation.synced) {
			return conversation.unread;
		}
		return summary?.unread ?? 0;
	}

	/** The channel before or after the given one in sidebar order (wrapping). */
	adjacent(channelId: string | null, step: 1 | -1): ChannelSummary | null {
		const list = this.ordered;
		if (list.length === 0) return null;
		const index = list.findIndex((channel) => channel.id === channelId);
		if (index === -1) return list[step === 1 ? 0 : list.length - 1] ?? null;
		return list[(index + step + list.length) % list.length] ?? null;
	}

	/** Replaces the channel list (from the server), opening and closing conversations to match. */
	setChannels(channels: ChannelSummary[]): void {
		this.channels = channels;
		const known = new Set(channels.map((channel) => channel.id));
		for (const [id, conversation] of this.conversations) {
			if (!known.has(id)) {
				conversation.destroy();
				this.conversations.delete(id);
			}
		}
		for (const channel of channels) {
			const conversation = this.conversations.get(channel.id);
			if (conversation) {
				conversation.setRights(channel.access);
				conversation.serverUnread = channel.unread;
			}
		}
		this.watchAll();
	}

	upsert(channel: ChannelSummary | ChannelDetail): void {
		const summary = toSummary(channel);
		const index = this.channels.findIndex((c) => c.id === summary.id);
		this.channels =
			index === -1
				? [...this.channels, summary]
				: this.channels.map((c, i) => (i === index ? { ...summary, unread: c.unread } : c));
		this.conversations.get(summary.id)?.setRights(summary.access);
	}

	async refresh(): Promise<void> {
		try {
			const { channels } = await api<{ channels: ChannelSummary[] }>('GET', '/api/channels');
			this.setChannels(channels);
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
		const detail = await api<ChannelDetail>('POST', '/api/channels', input);
		this.upsert(detail);
		this.ensure(detail);
		return detail;
	}

	async openDm(memberIds: string[]): Promise<ChannelDetail> {
		const detail = await api<ChannelDetail>('POST', '/api/dms', { memberIds });
		this.upsert(detail);
		this.ensure(detail);
		return detail;
	}

	dismiss(noticeId: number): void {
		this.notices = this.notices.filter((notice) => notice.id !== noticeId);
	}

	requestNavigation(): void {
		this.navigationRequests++;
	}

	private watchAll(): void {
		if (!this.started) return;
		for (const channel of this.ordered.slice(0, MAX_WATCHED)) this.ensure(channel);
		if (this.activeChannelId) {
			const active = this.channel(this.activeChannelId);
			if (active) this.ensure(active);
		}
	}

	private ensure(channel: ChannelSummary): Conversation | null {
		if (!this.started || !this.connection) return null;
		const existing = this.conversations.get(channel.id);
		if (existing && existing.status !== 'revoked') return existing;
		existing?.destroy();
		const conversation = new Conversation({
			channel: { id: channel.id, kind: channel.kind, headShard: channel.headShard },
			user: { id: this.user.id, name: this.user.name },
			socket: this.connection.socket,
			rights: channel.access,
			localCopy: indexedDbCopies(this.user.id),
			presence: this.presence,
			serverUnread: channel.unread,
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
				this.push({ ...notice, channelName, items: [] });
				this.conversations.get(notice.channelId)?.destroy();
				this.conversations.delete(notice.channelId);
				this.channels = this.channels.filter((channel) => channel.id !== notice.channelId);
				this.accessVersion++;
				void this.refresh();
				break;
			case 'access-changed':
				this.accessVersion++;
				void this.refresh();
				break;
			case 'unauthenticated':
				if (!this.signedOut) this.push({ ...notice, channelName, items: [] });
				this.signedOut = true;
				break;
		}
	}

	private push(notice: Omit<WorkspaceNotice, 'id'>): void {
		this.notices = [...this.notices, { ...notice, id: ++this.noticeId }];
	}
}

function channelTitleOf(channel: ChannelSummary | null): string {
	return channel ? channelTitle(channel) : 'a conversation';
}

function toSummary(channel: ChannelSummary | ChannelDetail): ChannelSummary {
	if (!('members' in channel)) return channel;
	const { members: _members, ...summary } = channel;
	return summary;
}

const WORKSPACE = Symbol('connectflow-workspace');

export function setWorkspace(workspace: Workspace): Workspace {
	return setContext(WORKSPACE, workspace);
}

export function getWorkspace(): Workspace {
	const workspace = getContext<Workspace | undefined>(WORKSPACE);
	if (!workspace) throw new Error('No workspace: render inside the app layout.');
	return workspace;
}
