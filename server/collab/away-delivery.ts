import type { AppContext } from '#server/app-context.ts';
import { logger } from '#server/logging/logger.ts';
import type { LocalStatus } from '#shared/chat/presence.ts';
import type { PresenceStore } from './presence-store.ts';

/**
 * Hands each new notification to the away delivery (email, push) with the one fact only the
 * collaboration server has: whether the person is active (a tab in use) on any device, in any
 * process (the presence store covers them all). Notifications are made in the process that
 * recorded the message and their events are not relayed, so each is handed over once.
 */
export class AwayDeliveryListener {
	private readonly offs: (() => void)[] = [];
	private readonly pending = new Set<Promise<void>>();
	private readonly presence: PresenceStore;
	/** Presence reads in flight, per organization, shared by the notifications that wait on them. */
	private readonly reads = new Map<string, Promise<Map<string, LocalStatus>>>();

	constructor(app: AppContext, presence: PresenceStore) {
		this.presence = presence;
		this.offs.push(
			app.events.on('notification.created', (notification) =>
				this.track(async () => {
					const statuses = await this.presenceOf(notification.orgId);
					const active = statuses.get(notification.personId) === 'online';
					await app.awayDelivery.notified(notification, active);
				}, 'notification delivery failed')
			),
			app.events.on('notification.read', ({ personId, notificationIds }) =>
				this.track(
					() => app.awayDelivery.read(personId, notificationIds),
					'closing pushed notifications failed'
				)
			)
		);
	}

	/**
	 * An @channel makes a notification per member at once: they share one read of the
	 * organization's presence (a copy of everybody's status, from Redis when scaled out) instead
	 * of a read each, which for 1,000 members was a million statuses copied on the event loop.
	 */
	private presenceOf(orgId: string): Promise<Map<string, LocalStatus>> {
		const inFlight = this.reads.get(orgId);
		if (inFlight) return inFlight;
		const read = this.presence.read(orgId);
		this.reads.set(orgId, read);
		const forget = () => this.reads.delete(orgId);
		void read.then(forget, forget);
		return read;
	}

	private track(work: () => Promise<void>, failure: string): void {
		const running = work().catch((error: unknown) => logger.error({ err: error }, failure));
		this.pending.add(running);
		void running.finally(() => this.pending.delete(running));
	}

	/** Resolves when what was handed over so far is done. */
	async idle(): Promise<void> {
		await Promise.all(this.pending);
	}

	/** Stops listening and waits for what was handed over (shutdown). */
	async close(): Promise<void> {
		for (const off of this.offs.splice(0)) off();
		await Promise.all(this.pending);
	}
}
