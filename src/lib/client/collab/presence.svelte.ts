/* eslint-disable svelte/prefer-svelte-reactivity -- the Maps and Sets here are private caches or
   snapshots that are assigned whole to $state.raw fields; per-entry reactivity would only cost. */
import type { Awareness } from 'y-protocols/awareness';

/**
 * Presence of people across every document the tab has open. Each conversation's head
 * document carries an awareness state per connected tab; the server writes the authenticated
 * `user` into it, so nobody can appear as somebody else. This tab publishes its own
 * `presence: { status }` into every registered awareness, and reads everyone else's.
 *
 * A person is online when any of their tabs says so, away when all of their tabs are away,
 * offline when none is connected to a document this tab shares with them.
 */

export type LocalStatus = 'online' | 'away';
export type PresenceStatus = LocalStatus | 'offline';

/** A tab hidden this long, or without input this long, shows as away. */
const HIDDEN_AWAY_MS = 30_000;
const IDLE_AWAY_MS = 5 * 60_000;

interface StateShape {
	user?: { id?: unknown; name?: unknown };
	presence?: { status?: unknown };
}

export class PresenceHub {
	/** This tab's own status. */
	local = $state<LocalStatus>('online');
	private statuses = $state.raw(new Map<string, LocalStatus>());
	private readonly sources = new Map<Awareness, () => void>();
	private readonly cleanups: (() => void)[] = [];
	private lastInput = Date.now();
	private hiddenSince: number | null = null;
	private recomputeScheduled = false;

	/** The status of a person; `selfId` is always this tab's own status. */
	of(userId: string, selfId?: string): PresenceStatus {
		if (selfId && userId === selfId) return this.local;
		return this.statuses.get(userId) ?? 'offline';
	}

	/** Follows one awareness; returns the function that stops following it. */
	register(awareness: Awareness): () => void {
		if (this.sources.has(awareness)) return () => this.unregister(awareness);
		const onChange = () => this.scheduleRecompute();
		awareness.on('change', onChange);
		this.sources.set(awareness, () => awareness.off('change', onChange));
		this.publish(awareness);
		this.scheduleRecompute();
		return () => this.unregister(awareness);
	}

	private unregister(awareness: Awareness): void {
		this.sources.get(awareness)?.();
		this.sources.delete(awareness);
		this.scheduleRecompute();
	}

	private publish(awareness: Awareness): void {
		if (awareness.getLocalState() === null) return;
		const current = (awareness.getLocalState() as StateShape | null)?.presence?.status;
		if (current !== this.local) awareness.setLocalStateField('presence', { status: this.local });
	}

	private setLocal(status: LocalStatus): void {
		if (this.local === status) return;
		this.local = status;
		for (const awareness of this.sources.keys()) this.publish(awareness);
	}

	private scheduleRecompute(): void {
		if (this.recomputeScheduled) return;
		this.recomputeScheduled = true;
		queueMicrotask(() => {
			this.recomputeScheduled = false;
			this.recompute();
		});
	}

	private recompute(): void {
		const next = new Map<string, LocalStatus>();
		for (const awareness of this.sources.keys()) {
			for (const [clientId, raw] of awareness.getStates()) {
				if (clientId === awareness.clientID) continue;
				const state = raw as StateShape;
				const id = state.user?.id;
				if (typeof id !== 'string') continue;
				const status: LocalStatus = state.presence?.status === 'away' ? 'away' : 'online';
				if (next.get(id) !== 'online') next.set(id, status);
			}
		}
		const previous = this.statuses;
		const same =
			previous.size === next.size && [...next].every(([id, s]) => previous.get(id) === s);
		if (!same) this.statuses = next;
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
		for (const stop of this.sources.values()) stop();
		this.sources.clear();
	}
}
