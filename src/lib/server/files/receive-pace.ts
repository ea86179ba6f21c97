import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * UPLOAD_RECEIVE_MB_PER_S unset: at most 10 MB/s per core. Taking in an upload costs CPU (the
 * kernel's copies, the process's reads and writes, the garbage they leave), so what a process can
 * take without delaying messages grows with its cores. It is a ceiling: the pace goes below it
 * whenever the event loop runs late (UploadPaceGovernor).
 */
export function defaultReceiveMbPerS(): number {
	return 10 * Math.max(1, os.availableParallelism());
}

/**
 * How fast this process takes in the bytes of uploads, all of them together: a leaky bucket
 * that lets a burst through at once (a small file, or a photo's first megabytes, waits for
 * nothing) and spaces the rest out at a rate that can change while uploads run. An upload that
 * must wait stops reading its request; TCP's flow control then slows its sender, so the waiting
 * bytes are held neither here nor in the kernel's buffers.
 *
 * Why: twenty 10 MB photos that arrive at once over a fast network are 200 MB read, copied and
 * written within a second or two, and on a small machine those seconds belong to the uploads:
 * the process serving the sockets waited for a core and messages arrived up to 220 ms late
 * (scenario 9). Spread over more seconds the same bytes delay nothing.
 */
export class ReceivePace {
	private bytesPerMs = 0;
	private readonly burstBytes: number;
	/** When (performance.now(), ms) the bytes taken so far are paid for at the rate. */
	private paidUntil = 0;
	/** Told of each take, before it waits (the governor watches the loop while uploads run). */
	private readonly onTake: () => void;

	constructor(megabytesPerSecond: number, burstMegabytes = 4, onTake: () => void = () => {}) {
		this.burstBytes = burstMegabytes * 1024 * 1024;
		this.onTake = onTake;
		this.setRate(megabytesPerSecond);
	}

	get megabytesPerSecond(): number {
		return (this.bytesPerMs * 1000) / (1024 * 1024);
	}

	/** The rate from now on; bytes already waiting keep the time they were given. */
	setRate(megabytesPerSecond: number): void {
		this.bytesPerMs = (megabytesPerSecond * 1024 * 1024) / 1000;
	}

	/** Resolves when `bytes` more may be taken in, with how long it made the caller wait (ms). */
	async take(bytes: number): Promise<number> {
		this.onTake();
		const now = performance.now();
		this.paidUntil = Math.max(this.paidUntil, now) + bytes / this.bytesPerMs;
		const wait = this.paidUntil - this.burstBytes / this.bytesPerMs - now;
		if (wait < 1) return 0;
		await sleep(wait);
		return wait;
	}
}
