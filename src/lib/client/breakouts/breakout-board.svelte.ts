import { SvelteMap } from 'svelte/reactivity';
import { call } from '$lib/client/api.ts';
import * as breakoutsApi from '$lib/shared/api/breakouts.ts';
import type { Breakout } from '$lib/shared/api/breakouts.schema.ts';
import type { FeedEvent } from '$lib/shared/feed/feed-event.ts';
import { clockOffset, timeLeft } from './countdown.ts';

type FeedData<K extends FeedEvent['kind']> = Extract<FeedEvent, { kind: K }>['data'];

/** A room that ended while this tab watched: the notice its parent channel shows. */
export interface BreakoutEndNotice {
	breakoutId: string;
	parentId: string;
	title: string;
}

/** The room's screen goes back to its parent (the room ended under it). */
export interface BreakoutReturn {
	breakoutId: string;
	parentId: string;
}

/** "5 minutes left" in a room, from the feed. */
export interface BreakoutWarning {
	breakoutId: string;
	minutesLeft: number;
}

/** Reads of the breakout API, as the board makes them (the real client by default). */
export interface BreakoutReads {
	list(parentId: string): Promise<Breakout[]>;
	detail(id: string): Promise<Breakout>;
}

const apiReads: BreakoutReads = {
	list: async (parentId) =>
		(await call(breakoutsApi.listBreakouts, { params: { id: parentId } })).breakouts,
	detail: (id) => call(breakoutsApi.breakoutDetail, { params: { id } })
};

/**
 * The breakout rooms this tab knows, on the server's clock (countdown.ts): what the API answered
 * and what the person's feed changed since (a new end, a warning, the end). Pages show it; the
 * feed's effects (feed-effects.ts) write to it. One per tab, in the chat store.
 */
export class BreakoutBoard {
	/** Each known room by id, as last read or changed. */
	readonly rooms = new SvelteMap<string, Breakout>();
	/** The server's clock minus this device's (ms). */
	offset = $state(0);
	/** This device's clock, ticking every second while some countdown is on screen. */
	now = $state(Date.now());
	/** Bumped when a parent's rooms should be read again (a room the tab did not know moved). */
	version = $state(0);
	/** The ended rooms' notices, newest last, until dismissed. */
	notices = $state<BreakoutEndNotice[]>([]);
	/** A screen on an ended room goes back to its parent (the layout does it, once). */
	returning = $state<BreakoutReturn | null>(null);
	/** The newest warning of time running out. */
	warning = $state<BreakoutWarning | null>(null);

	private readonly reads: BreakoutReads;
	/** The round trip of the sample the offset came from: a shorter one is a better guess. */
	private sampleRoundTrip = Infinity;
	private sampleAt = 0;
	private watchers = 0;
	private ticker: ReturnType<typeof setInterval> | null = null;

	/** Told when the offset changed: what ends by the server's clock is timed again. */
	private readonly onClock: () => void;

	constructor(reads: BreakoutReads = apiReads, onClock: () => void = () => {}) {
		this.reads = reads;
		this.onClock = onClock;
	}

	/** The server's clock now (ms), as well as this device can tell. */
	serverNow(): number {
		return this.now + this.offset;
	}

	/** Milliseconds left in a room by the server's clock (0 once ended). */
	left(room: Pick<Breakout, 'endsAt' | 'state'>): number {
		return room.state === 'ended' ? 0 : timeLeft(room.endsAt, this.now, this.offset);
	}

	/** Whether a room still runs by the server's clock. */
	running(room: Pick<Breakout, 'endsAt' | 'state'>): boolean {
		return this.left(room) > 0;
	}

	/** The rooms of a parent channel that `personId` is in, running ones first, soonest end first. */
	ofParent(parentId: string, personId: string): Breakout[] {
		return [...this.rooms.values()]
			.filter(
				(room) =>
					room.parentId === parentId &&
					room.participants.some((participant) => participant.id === personId)
			)
			.sort(
				(a, b) =>
					Number(this.running(b)) - Number(this.running(a)) ||
					Date.parse(a.endsAt) - Date.parse(b.endsAt)
			);
	}

	/** Reads a parent channel's rooms (those the person is in) from the server. */
	async loadParent(parentId: string): Promise<void> {
		const sentAt = Date.now();
		const rooms = await this.reads.list(parentId);
		const receivedAt = Date.now();
		for (const room of rooms) this.put(room, sentAt, receivedAt);
	}

	/** Reads one room from the server (its page), and learns the server's clock from it. */
	async load(id: string): Promise<Breakout> {
		const sentAt = Date.now();
		const room = await this.reads.detail(id);
		this.put(room, sentAt, Date.now());
		return room;
	}

	/**
	 * A room as the server described it. With the request's times, its `serverNow` tells how far
	 * this device's clock is off; an answer read earlier (a page's data) only updates the room.
	 */
	put(room: Breakout, sentAt?: number, receivedAt?: number): void {
		this.rooms.set(room.id, room);
		if (sentAt === undefined || receivedAt === undefined) return;
		const roundTrip = receivedAt - sentAt;
		// The shortest round trip is the best guess, but clocks drift: a minute-old one gives way.
		if (roundTrip <= this.sampleRoundTrip || receivedAt - this.sampleAt > 60_000) {
			this.sampleRoundTrip = roundTrip;
			this.sampleAt = receivedAt;
			const offset = clockOffset(room.serverNow, sentAt, receivedAt);
			// A few milliseconds either way are the round trip's noise, not news.
			if (Math.abs(offset - this.offset) > 250) {
				this.offset = offset;
				this.onClock();
			}
		}
	}

	/** The feed: a room got a new end (extended, or ended early). Every countdown moves at once. */
	changed(data: FeedData<'breakout.changed'>): void {
		const room = this.rooms.get(data.breakoutId);
		if (room) this.rooms.set(room.id, { ...room, endsAt: data.endsAt });
		else this.version++;
		if (this.warning?.breakoutId === data.breakoutId) this.warning = null;
	}

	/** The feed: a room ends in `minutesLeft` minutes. */
	warned(data: FeedData<'breakout.warning'>): void {
		// A warning replayed after a long disconnection is no news once its room has ended.
		if (timeLeft(data.endsAt, Date.now(), this.offset) <= 0) return;
		const room = this.rooms.get(data.breakoutId);
		if (room) this.rooms.set(room.id, { ...room, endsAt: data.endsAt });
		this.warning = { breakoutId: data.breakoutId, minutesLeft: data.minutesLeft };
	}

	/**
	 * The feed: a room ended. Its screens return to the parent, where a notice says so (its
	 * summary follows there); `title` names it when the board never read it.
	 */
	ended(data: FeedData<'breakout.ended'>, title: string | null): void {
		const room = this.rooms.get(data.breakoutId);
		const at = Date.now() + this.offset;
		// eslint-disable-next-line svelte/prefer-svelte-reactivity -- only its text is kept
		const endedAt = new Date(at).toISOString();
		if (room) {
			this.rooms.set(room.id, {
				...room,
				state: 'ended',
				endedAt,
				endsAt: Date.parse(room.endsAt) < at ? room.endsAt : endedAt
			});
		}
		if (this.warning?.breakoutId === data.breakoutId) this.warning = null;
		const notice = {
			breakoutId: data.breakoutId,
			parentId: data.parentId,
			title: room?.title ?? title ?? 'Breakout room'
		};
		this.notices = [...this.notices.filter((n) => n.breakoutId !== data.breakoutId), notice];
		this.returning = { breakoutId: data.breakoutId, parentId: data.parentId };
	}

	dismiss(breakoutId: string): void {
		this.notices = this.notices.filter((notice) => notice.breakoutId !== breakoutId);
	}

	/** Keeps `now` ticking every second while someone watches; returns the function that stops. */
	watch(): () => void {
		this.watchers++;
		if (!this.ticker) {
			this.now = Date.now();
			this.ticker = setInterval(() => (this.now = Date.now()), 1_000);
		}
		let stopped = false;
		return () => {
			if (stopped) return;
			stopped = true;
			this.watchers--;
			if (this.watchers === 0 && this.ticker) {
				clearInterval(this.ticker);
				this.ticker = null;
			}
		};
	}
}
