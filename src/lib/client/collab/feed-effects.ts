import type { FeedEvent, RemovalReason } from '$lib/shared/feed/feed-event.ts';
import type { FeedHandlers } from './person-feed.svelte.ts';
import type { NotificationStore } from '../notifications/notification-store.svelte.ts';
import type { BreakoutBoard } from '../breakouts/breakout-board.svelte.ts';
import type { BroadcastStore } from '../broadcasts/broadcast-store.svelte.ts';

/** What the feed's events act on: the tab's chat store and the page's data. */
export interface FeedTarget {
	/** Shows a conversation's new settings at once (sidebar, header). */
	patchChannel(change: Extract<FeedEvent, { kind: 'conversation.changed' }>['data']): void;
	/** Takes a conversation off every screen of the tab at once: access is gone. */
	forgetChannel(channelId: string, why: RemovalReason): void;
	/** Reads the conversation list (and each one's rights) again. */
	refreshChannels(): Promise<void> | void;
	/** Reads the page's data again (who the person is and where they sit, the page itself). */
	reloadPage(): Promise<void> | void;
	/** The person's notifications: new ones and reads, from any device, show at once. */
	notifications: Pick<NotificationStore, 'created' | 'read' | 'reload'>;
	/** Moves a conversation's end (a breakout room extended): it turns read-only then. */
	moveEnd(channelId: string, endsAt: string): void;
	/** A conversation's name as the tab knows it, or null. */
	titleOf(channelId: string): string | null;
	/** The breakout rooms of the tab: countdowns, warnings, the return at the end. */
	breakouts: Pick<BreakoutBoard, 'changed' | 'warned' | 'ended'>;
	/** Emergency broadcasts: banners until acknowledged, and a sender's count. */
	broadcasts: Pick<BroadcastStore, 'received' | 'acknowledged' | 'progressed' | 'reload'>;
}

/**
 * What each kind of feed event does on screen. What it changes directly shows at once; what
 * needs the server's word (a new conversation, new rights, a new place) is read again, once per
 * burst of events however many arrive together.
 */
export class FeedEffects implements FeedHandlers {
	readonly target: FeedTarget;
	private refresh = false;
	private reload = false;
	private scheduled = false;

	constructor(target: FeedTarget) {
		this.target = target;
	}

	event(event: FeedEvent): void {
		switch (event.kind) {
			case 'conversation.added':
				this.refresh = true;
				break;
			case 'conversation.removed':
				this.target.forgetChannel(event.data.channelId, event.data.why ?? 'removed');
				this.refresh = true;
				break;
			case 'conversation.changed':
				this.target.patchChannel(event.data);
				// A posting rule or an archive changes what the person may do there.
				if (event.data.postPolicy !== undefined || event.data.archived !== undefined) {
					this.refresh = true;
				}
				break;
			case 'self.changed':
				this.refresh = true;
				this.reload = true;
				break;
			case 'person.deactivated':
				this.reload = true;
				break;
			case 'notification.created':
				this.target.notifications.created(event.data.notification);
				break;
			case 'notification.read':
				this.target.notifications.read(event.data.ids, event.at);
				break;
			case 'breakout.changed':
				this.target.breakouts.changed(event.data);
				this.target.moveEnd(event.data.breakoutId, event.data.endsAt);
				break;
			case 'breakout.warning':
				this.target.breakouts.warned(event.data);
				break;
			case 'breakout.ended':
				this.target.breakouts.ended(event.data, this.target.titleOf(event.data.breakoutId));
				// The room's end and rights as the server has them now (read-only, its transcript).
				this.refresh = true;
				break;
			case 'broadcast.sent':
				this.target.broadcasts.received(event.data.broadcast);
				break;
			case 'broadcast.acknowledged':
				this.target.broadcasts.acknowledged(event.data.broadcastId);
				break;
			case 'broadcast.progress':
				this.target.broadcasts.progressed(event.data.broadcastId, {
					total: event.data.total,
					acknowledged: event.data.acknowledged
				});
				break;
			case 'approvals.changed':
				// The Approvals badge and lists come with the page's data.
				this.reload = true;
				break;
		}
		this.schedule();
	}

	reset(): void {
		void this.target.notifications.reload();
		void this.target.broadcasts.reload();
		this.refresh = true;
		this.reload = true;
		this.schedule();
	}

	private schedule(): void {
		if (this.scheduled) return;
		this.scheduled = true;
		queueMicrotask(() => {
			this.scheduled = false;
			const { refresh, reload } = this;
			this.refresh = false;
			this.reload = false;
			if (refresh) void this.target.refreshChannels();
			if (reload) void this.target.reloadPage();
		});
	}
}
