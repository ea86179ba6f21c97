/* eslint-disable svelte/prefer-svelte-reactivity -- the Maps here are snapshots assigned whole
   to a $state.raw field; per-entry reactivity would only cost. */
import type { HocuspocusProvider } from '@hocuspocus/provider';
import {
	parsePresenceView,
	PRESENCE_REPORT_EVERY_MS,
	presenceChanges,
	type LocalStatus,
	type PresenceReport,
	type PresenceStatus
} from '$lib/shared/chat/presence.ts';

export type { LocalStatus, PresenceStatus };

/**
 * Presence of the people of the organization, as the server sums it up on the organization's
 * presence document (src/lib/shared/chat/presence.ts): this tab reports its own status there
 * and receives everybody's. Conversations carry only typing in their awareness.
 *
 * A person is online when any of their tabs says so, away when all of their tabs are away,
 * offline when none is connected; while this tab is disconnected everybody reads offline.
 */

/** A tab hidden this long, or without input this long, shows as away. */
const HIDDEN_AWAY_MS = 30_000;
const IDLE_AWAY_MS = 5 * 60_000;

export class PresenceHub {
	/** This tab's own status. */
	local = $state<LocalStatus>('online');
	private statuses = $state.raw(new Map<string, LocalStatus>());
	private provider: HocuspocusProvider | null = null;
	private unfollow: (() => void) | null = null;
	private readonly cleanups: (() => void)[] = [];
	private lastInput = Date.now();
	private hiddenSince: number | null = null;
	private readonly reportEveryMs: number;

	constructor(options: { reportEveryMs?: number } = {}) {
		this.reportEveryMs = options.reportEveryMs ?? PRESENCE_REPORT_EVERY_MS;
	}

	/** The status of a person; `selfId` is always this tab's own status. */
	of(userId: string, selfId?: string): PresenceStatus {
		if (selfId && userId === selfId) return this.local;
		return this.statuses.get(userId) ?? 'offline';
	}

	/** Follows the organization's presence document; returns the function that stops it. */
	follow(provider: HocuspocusProvider): () => void {
		this.unfollow?.();
		this.provider = provider;
		const onStateless = ({ payload }: { payload: string }) => this.receive(payload);
		// The server counts a tab online when it connects: tell it otherwise after every sync.
		const onSynced = () => this.report();
		const onDisconnect = () => this.replace(new Map());
		provider.on('stateless', onStateless);
		provider.on('synced', onSynced);
		provider.on('disconnect', onDisconnect);
		// The report, repeated, keeps an idle socket open; an awareness state here would be
		// dropped by the server and cost it more on every renewal.
		provider.awareness?.setLocalState(null);
		const keepAlive = setInterval(() => this.report(), this.reportEveryMs);
		this.unfollow = () => {
			clearInterval(keepAlive);
			provider.off('stateless', onStateless);
			provider.off('synced', onSynced);
			provider.off('disconnect', onDisconnect);
			this.provider = null;
			this.unfollow = null;
			this.replace(new Map());
		};
		return this.unfollow;
	}

	/** Applies a view from the server: everybody (full) or the changes. */
	receive(payload: string): void {
		const view = parsePresenceView(payload);
		if (!view) return;
		const { full, people } = view;
		if (!full && Object.keys(people).length === 0) return;
		const next = full ? new Map<string, LocalStatus>() : new Map(this.statuses);
		for (const [id, status] of Object.entries(people)) {
			if (status === 'offline') next.delete(id);
			else next.set(id, status);
		}
		this.replace(next);
	}

	private replace(next: Map<string, LocalStatus>): void {
		if (presenceChanges(this.statuses, next) !== null) this.statuses = next;
	}

	private report(): void {
		if (!this.provider?.synced) return;
		const report: PresenceReport = { status: this.local };
		this.provider.sendStateless(JSON.stringify(report));
	}

	private setLocal(status: LocalStatus): void {
		if (this.local === status) return;
		this.local = status;
		this.report();
	}

	/** Follows visibility and input to switch between online and away (browser only). */
	start(): void {
		if (typeof window === 'undefined' || this.cleanups.length > 0) return;
		const onInput = () => {
			this.lastInput = Date.now();
			if (document.visibilityState === 'visible') this.setLocal('online');
		};
		const onVisibility = () => {
			if (document.visibilityState === 'visible') {
				this.hiddenSince = null;
				onInput();
			} else {
				this.hiddenSince = Date.now();
			}
		};
		const events = ['pointerdown', 'keydown', 'wheel', 'touchstart', 'focus'] as const;
		for (const name of events) window.addEventListener(name, onInput, { passive: true });
		document.addEventListener('visibilitychange', onVisibility);
		const timer = setInterval(() => {
			const now = Date.now();
			const hiddenLong = this.hiddenSince !== null && now - this.hiddenSince > HIDDEN_AWAY_MS;
			if (hiddenLong || now - this.lastInput > IDLE_AWAY_MS) this.setLocal('away');
		}, 10_000);
		this.cleanups.push(() => {
			for (const name of events) window.removeEventListener(name, onInput);
			document.removeEventListener('visibilitychange', onVisibility);
			clearInterval(timer);
		});
	}

	destroy(): void {
		for (const cleanup of this.cleanups.splice(0)) cleanup();
		this.unfollow?.();
	}
}
