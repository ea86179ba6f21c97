import { call } from '../api.ts';
import { acknowledgeBroadcast, pendingBroadcasts } from '$lib/shared/api/broadcasts.ts';
import type { Broadcast } from '$lib/shared/api/broadcasts.schema.ts';

/** A broadcast's acknowledgements so far, as its sender's live feed tells them. */
export interface BroadcastProgress {
	total: number;
	acknowledged: number;
}

/**
 * This tab's emergency broadcasts: the banners it must show until the person acknowledges them
 * (oldest first), and, for a sender, the count of acknowledgements as it rises. The page's data
 * gives the pending ones, the person's feed every change after (`received`, `acknowledged`,
 * `progressed`); a copy that was offline catches up when its feed does.
 */
export class BroadcastStore {
	pending = $state<Broadcast[]>([]);
	/** Raised by each reminder of a broadcast already shown: the banner calls attention again. */
	reminded = $state(0);
	/** The acknowledging broadcast's id while its request runs. */
	acknowledging = $state<string | null>(null);
	error = $state<string | null>(null);
	progress = $state<Record<string, BroadcastProgress>>({});

	readonly current = $derived(this.pending[0] ?? null);

	seed(broadcasts: Broadcast[]): void {
		this.pending = [...broadcasts].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
	}

	/** A broadcast arrived, or a reminder of one not yet acknowledged. */
	received(broadcast: Broadcast): void {
		if (this.pending.some((shown) => shown.id === broadcast.id)) {
			this.reminded++;
			return;
		}
		this.seed([...this.pending, broadcast]);
	}

	/** Acknowledged, here or on another device: its banner goes. */
	acknowledged(broadcastId: string): void {
		this.pending = this.pending.filter((shown) => shown.id !== broadcastId);
	}

	progressed(broadcastId: string, progress: BroadcastProgress): void {
		this.progress = { ...this.progress, [broadcastId]: progress };
	}

	/** Reads the pending ones again (the feed could not say what was missed). */
	async reload(): Promise<void> {
		try {
			this.seed((await call(pendingBroadcasts)).broadcasts);
		} catch {
			// Offline or an outage: the banners shown stay; the next reset reads again.
		}
	}

	async acknowledge(broadcastId: string): Promise<void> {
		this.acknowledging = broadcastId;
		this.error = null;
		try {
			await call(acknowledgeBroadcast, { params: { id: broadcastId } });
			this.acknowledged(broadcastId);
		} catch (caught) {
			this.error =
				caught instanceof Error && navigator.onLine !== false
					? caught.message
					: 'Not sent: you are offline. Acknowledge again when you are back online.';
		} finally {
			this.acknowledging = null;
		}
	}
}
