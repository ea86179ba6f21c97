import { DELIVERY_LATE_MS, LoopLateness } from '../ops/loop-lateness.ts';
import { ReceivePace } from './receive-pace.ts';

export interface GovernorSettings {
	/** The most the process takes in (UPLOAD_RECEIVE_MB_PER_S, or 10 MB/s per core). */
	ceilingMbPerS: number;
	/** The least: uploads always move, however busy the chat. */
	floorMbPerS: number;
	/** A window in which the loop ran later than this halves the pace. */
	loopDelayLimitMs: number;
	/** How often the pace is decided while uploads run. */
	windowMs: number;
	/** Uploads idle this long: the loop is no longer watched. */
	idleMs: number;
}

export function defaultGovernorSettings(ceilingMbPerS: number): GovernorSettings {
	return {
		ceilingMbPerS,
		floorMbPerS: ceilingMbPerS / 10,
		loopDelayLimitMs: DELIVERY_LATE_MS,
		windowMs: 250,
		idleMs: 2_000
	};
}

/**
 * Sets the pace of uploads (ReceivePace) by how late the event loop that serves the sockets
 * runs while they come in: additive increase, multiplicative decrease, as TCP does with a
 * congested link. A window of `windowMs` in which the loop ran later than `loopDelayLimitMs`
 * halves the pace (down to the floor); a window without that adds a tenth of the ceiling.
 *
 * Why not a fixed pace: what a machine can take in without delaying messages depends on what
 * else runs on it (the chat's own load, the image process, other programs). A fixed 20 MB/s
 * kept delivery's p99 at 16-29 ms on an idle two-core machine and let it reach 67-117 ms on a
 * busier one (scenario 9); 5 MB/s kept it at 33 ms there, but halved the uploads and tripled
 * the thumbnails' wait. The loop's own delay is what a message waits for, so it sets the pace.
 */
export class UploadPaceGovernor {
	readonly pace: ReceivePace;
	private readonly settings: GovernorSettings;
	private readonly lateness = new LoopLateness();
	private windowStarted = 0;
	private lastTake = 0;
	private idleCheck: NodeJS.Timeout | null = null;

	constructor(settings: GovernorSettings) {
		this.settings = settings;
		this.pace = new ReceivePace(settings.ceilingMbPerS, undefined, () => this.onTake());
	}

	/** The pace now (MB/s), for metrics and tests. */
	get megabytesPerSecond(): number {
		return this.pace.megabytesPerSecond;
	}

	/** Whether uploads ran lately, so the loop is watched. */
	get watchingLoop(): boolean {
		return this.lateness.isWatching;
	}

	/** Stops watching the loop (the process is closing). */
	stop(): void {
		this.stopWatching();
	}

	private onTake(): void {
		const now = performance.now();
		this.lastTake = now;
		if (!this.lateness.isWatching) {
			this.startWatching(now);
			return;
		}
		if (now - this.windowStarted >= this.settings.windowMs) this.decide(now);
	}

	private decide(now: number): void {
		const { ceilingMbPerS, floorMbPerS, loopDelayLimitMs } = this.settings;
		const lateMs = this.lateness.take();
		const rate = this.pace.megabytesPerSecond;
		this.pace.setRate(
			lateMs > loopDelayLimitMs
				? Math.max(floorMbPerS, rate / 2)
				: Math.min(ceilingMbPerS, rate + ceilingMbPerS / 10)
		);
		this.windowStarted = now;
	}

	private startWatching(now: number): void {
		this.lateness.start();
		this.windowStarted = now;
		this.idleCheck = setInterval(() => {
			if (performance.now() - this.lastTake >= this.settings.idleMs) this.stopWatching();
		}, this.settings.idleMs);
		this.idleCheck.unref();
	}

	private stopWatching(): void {
		if (!this.lateness.isWatching) return;
		this.lateness.stop();
		if (this.idleCheck) clearInterval(this.idleCheck);
		this.idleCheck = null;
	}
}
