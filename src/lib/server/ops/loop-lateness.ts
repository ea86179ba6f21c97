import { monitorEventLoopDelay } from 'node:perf_hooks';

/** How often the watch on the loop ticks while it is on. */
const LOOP_TICK_MS = 10;

/**
 * Lateness (ms) at which background work gives way to message delivery (uploads' intake, an
 * export's pages): scenario 1 alone delivers 99% of messages within 5-10 ms on two cores, and a
 * loop that runs 20 ms late holds every message that arrives meanwhile for as long.
 */
export const DELIVERY_LATE_MS = 20;

/**
 * How late this thread's event loop ran, window by window, for work that gives way to message
 * delivery while the loop is late (uploads' intake, an export's pages). Node's loop-delay
 * histogram (node:perf_hooks), timed in C++ on the loop itself: it holds the times between the
 * ticks of its timer, due every LOOP_TICK_MS, so what is beyond that is lateness. Watching costs
 * a tick every 10 ms, so it is on only while someone watches.
 */
export class LoopLateness {
	private readonly histogram = monitorEventLoopDelay({ resolution: LOOP_TICK_MS });
	private watching = false;

	get isWatching(): boolean {
		return this.watching;
	}

	start(): void {
		if (this.watching) return;
		this.watching = true;
		this.histogram.reset();
		this.histogram.enable();
	}

	stop(): void {
		if (!this.watching) return;
		this.watching = false;
		this.histogram.disable();
	}

	/**
	 * The most the loop ran late (ms) in the window since the last take (or the start), and a
	 * new window from now. (The restart forgets the last tick, so a window's first interval is
	 * not counted: one tick of the ~25 in a quarter second.)
	 */
	take(): number {
		const lateMs = Math.max(0, this.histogram.max / 1e6 - LOOP_TICK_MS);
		this.histogram.reset();
		return lateMs;
	}
}
