import type { AppContext } from '#server/app-context.ts';
import { logger } from '#server/logging/logger.ts';
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

	constructor(app: AppContext, presence: PresenceStore) {
		this.offs.push(
			app.events.on('notification.created', (notification) =>
				this.track(async () => {
					const statuses = await presence.read(notification.orgId);
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

	private track(work: () => Promise<void>, failure: string): void {
		const running = work().catch((error: unknown) => logger.error({ err: error }, failure));
		this.pending.add(running);
		void running.finally(() => this.pending.delete(running));
	}

	/** Stops listening and waits for what was handed over (shutdown). */
	async close(): Promise<void> {
		for (const off of this.offs.splice(0)) off();
		await Promise.all(this.pending);
	}
}
