/* eslint-disable svelte/prefer-svelte-reactivity -- the Maps, Sets and Dates made in methods
   here are local to one call (grouping, lookups, a timestamp), never state. */
import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import { call } from '../api.ts';
import {
	listNotifications,
	markNotificationRead,
	markNotificationsRead,
	notificationSettings,
	updateChannelNotifications
} from '$lib/shared/api/notifications.ts';
import type {
	ChannelNotificationSettingInput,
	Notification,
	NotificationPage
} from '$lib/shared/api/notifications.schema.ts';

/** Notifications of one conversation, as the panel lists them (newest conversation first). */
export interface NotificationGroup {
	channelId: string;
	channelName: string;
	channelKind: Notification['channelKind'];
	notifications: Notification[];
	unread: number;
}

/**
 * This tab's notifications: the bell's count and the panel's list. The page's data gives the
 * first page, the person's feed every change after it (`created`, `read`), so a notification
 * read on another device is read here at once. The count is the server's: the unread among the
 * loaded ones, plus those beyond the loaded page (`unreadBeyond`), which only a read can lower.
 */
export class NotificationStore {
	items = $state<Notification[]>([]);
	next = $state<string | null>(null);
	/** Unread notifications older than the loaded ones. */
	private unreadBeyond = $state(0);
	private readonly unreadIds = new SvelteSet<string>();
	loading = $state(false);
	error = $state<string | null>(null);

	readonly unread = $derived(this.unreadIds.size + this.unreadBeyond);
	/** Conversations with a level of their own or muted (read once, when first asked). */
	readonly channelSettings = new SvelteMap<string, ChannelNotificationSettingInput>();
	private settingsLoaded: Promise<void> | null = null;

	readonly groups = $derived.by(() => {
		const groups = new Map<string, NotificationGroup>();
		for (const item of this.items) {
			let group = groups.get(item.channelId);
			if (!group) {
				group = {
					channelId: item.channelId,
					channelName: item.channelName,
					channelKind: item.channelKind,
					notifications: [],
					unread: 0
				};
				groups.set(item.channelId, group);
			}
			group.notifications.push(item);
			if (this.unreadIds.has(item.id)) group.unread++;
		}
		return [...groups.values()];
	});

	/** The first page, as the page's data or the API gave it. */
	seed(page: NotificationPage): void {
		this.items = page.notifications;
		this.next = page.next;
		this.unreadIds.clear();
		for (const item of page.notifications) if (item.readAt === null) this.unreadIds.add(item.id);
		this.unreadBeyond = Math.max(0, page.unread - this.unreadIds.size);
	}

	/** Reads the first page again (the feed was reset: what it missed is no longer kept). */
	async reload(): Promise<void> {
		try {
			this.seed(await call(listNotifications, { query: { limit: 30 } }));
		} catch {
			// Offline: the loaded list stays; the next reset or page load reads it again.
		}
	}

	async loadMore(): Promise<void> {
		if (!this.next || this.loading) return;
		this.loading = true;
		try {
			const page = await call(listNotifications, { query: { limit: 30, after: this.next } });
			const known = new Set(this.items.map((item) => item.id));
			const added = page.notifications.filter((item) => !known.has(item.id));
			for (const item of added) {
				if (item.readAt === null && !this.unreadIds.has(item.id)) {
					this.unreadIds.add(item.id);
					this.unreadBeyond = Math.max(0, this.unreadBeyond - 1);
				}
			}
			this.items = [...this.items, ...added];
			this.next = page.next;
		} catch {
			this.error = 'Could not load older notifications.';
		} finally {
			this.loading = false;
		}
	}

	/** From the feed: a new notification (once, however often it is told). */
	created(item: Notification): void {
		if (this.items.some((known) => known.id === item.id)) return;
		this.items = [item, ...this.items];
		if (item.readAt === null) this.unreadIds.add(item.id);
	}

	/** From the feed, or this tab's own request: these were read (on whichever device). */
	read(ids: readonly string[], at = new Date().toISOString()): void {
		const wanted = new Set(ids);
		let beyond = 0;
		for (const id of ids) {
			if (this.unreadIds.delete(id)) continue;
			if (!this.items.some((item) => item.id === id)) beyond++;
		}
		if (beyond > 0) this.unreadBeyond = Math.max(0, this.unreadBeyond - beyond);
		this.items = this.items.map((item) =>
			wanted.has(item.id) && item.readAt === null ? { ...item, readAt: at } : item
		);
	}

	isUnread(id: string): boolean {
		return this.unreadIds.has(id);
	}

	async markRead(item: Notification): Promise<void> {
		if (!this.unreadIds.has(item.id)) return;
		this.read([item.id]);
		try {
			await call(markNotificationRead, { params: { id: item.id } });
		} catch {
			this.error = 'Could not mark it read. It will show as unread again when you reload.';
		}
	}

	/**
	 * A thread is on screen: its reply notifications are seen (a read mark covers the main
	 * timeline; the thread panel is where replies are read).
	 */
	readThread(threadId: string): void {
		for (const item of this.items) {
			if (item.threadId === threadId && this.unreadIds.has(item.id)) void this.markRead(item);
		}
	}

	async markAllRead(channelId?: string): Promise<void> {
		const ids = this.items
			.filter((item) => this.unreadIds.has(item.id) && (!channelId || item.channelId === channelId))
			.map((item) => item.id);
		this.read(ids);
		if (!channelId) this.unreadBeyond = 0;
		try {
			const { unread } = await call(markNotificationsRead, {
				body: { channelId: channelId ?? null }
			});
			this.unreadBeyond = Math.max(0, unread - this.unreadIds.size);
		} catch {
			this.error = 'Could not mark them read. Try again when you are back online.';
		}
	}

	/** The conversations' own settings, read once for this tab. */
	loadChannelSettings(): Promise<void> {
		this.settingsLoaded ??= call(notificationSettings)
			.then((settings) => {
				for (const { channelId, level, muted } of settings.channels) {
					this.channelSettings.set(channelId, { level, muted });
				}
			})
			.catch(() => {
				this.settingsLoaded = null;
			});
		return this.settingsLoaded;
	}

	settingOf(channelId: string): ChannelNotificationSettingInput {
		return this.channelSettings.get(channelId) ?? { level: 'default', muted: false };
	}

	/** Mutes or unmutes a conversation (or sets its level); throws ApiError when refused. */
	async setChannel(
		channelId: string,
		change: Partial<ChannelNotificationSettingInput>
	): Promise<void> {
		const next = { ...this.settingOf(channelId), ...change };
		const saved = await call(updateChannelNotifications, { params: { id: channelId }, body: next });
		this.channelSettings.set(channelId, { level: saved.level, muted: saved.muted });
	}
}
