import { EventEmitter } from 'node:events';
import type { NotificationReason } from '#shared/api/notifications.schema.ts';

/**
 * Domain events that other parts of the server react to (the collaboration server closes
 * connections of people who lost access, ends sockets of ended sessions). In-process; with
 * REDIS_URL the collaboration layer relays them to the other processes.
 */
export interface DomainEventMap {
	'person.changed': { orgId: string; personId: string };
	'sessions.ended': { userId: string; sessionIds: string[] | 'all' };
	'structure.changed': { orgId: string };
	'channel.changed': { orgId: string; channelId: string };
	/** New events in these people's feeds (feed/feed.service.ts), committed: send them out. */
	'feed.appended': { userIds: string[] };
	/**
	 * A notification was committed (notifications/notification.service.ts). Email batching and
	 * push subscribe to it; `heldByDnd` says it arrived in the person's quiet hours.
	 */
	'notification.created': {
		notificationId: string;
		personId: string;
		orgId: string;
		channelId: string;
		messageId: string | null;
		reason: NotificationReason;
		heldByDnd: boolean;
	};
	/** Notifications were read (on any device): shown push notifications close, emails drop them. */
	'notification.read': { personId: string; notificationIds: string[] };
	/**
	 * A breakout room's summary was made (breakouts/breakout.service.ts `postSummary`), once:
	 * the hook where the collaboration server is to post it into the parent channel's document.
	 */
	'breakout.summarized': { orgId: string; breakoutId: string; parentId: string };
}

export class DomainEvents {
	readonly emitter = new EventEmitter();

	constructor() {
		this.emitter.setMaxListeners(100);
	}

	emit<K extends keyof DomainEventMap>(name: K, payload: DomainEventMap[K]): void {
		this.emitter.emit(name, payload);
	}

	on<K extends keyof DomainEventMap>(
		name: K,
		listener: (payload: DomainEventMap[K]) => void
	): () => void {
		this.emitter.on(name, listener);
		return () => this.emitter.off(name, listener);
	}
}
