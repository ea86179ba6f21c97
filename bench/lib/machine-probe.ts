import fs from 'node:fs/promises';
import path from 'node:path';
import { Latencies, monotonicMs, round2 } from './stats.ts';

/** Milliseconds between two synced writes, and between two ticks of the stall timer. */
const SYNC_EVERY_MS = 20;
const TICK_MS = 5;
const WRITE_BYTES = 8192;
const FILE_BYTES = 1024 * 1024;

export interface MachineFigures {
	/** An 8 kB write + fdatasync on the disk the databases use, as a commit does. */
	disk_sync_p99_ms: number | null;
	disk_sync_max_ms: number | null;
	/**
	 * How late a timer of this (nearly idle) harness process fired at worst: a stall of the
	 * whole machine, which delays every process alike.
	 */
	idle_stall_max_ms: number | null;
}

interface Sample {
	at: number;
	ms: number;
}

/**
 * Watches what this machine itself does to latency while an arm is measured: how long a synced
 * write takes on the disk that Postgres and PGlite write to (the product waits for one before
 * delivering; the bare baseline never does), and whether the machine stalls as a whole. Its
 * fsyncs run on libuv's thread pool, so they do not delay the harness's own timers.
 */
export class MachineProbe {
	private syncs: Sample[] = [];
	private stalls: Sample[] = [];
	private running = false;
	private timer: ReturnType<typeof setInterval> | null = null;
	private syncLoop: Promise<void> = Promise.resolve();

	async start(dir: string): Promise<void> {
		await fs.mkdir(dir, { recursive: true });
		const file = await fs.open(path.join(dir, 'disk-probe'), 'w');
		await file.write(Buffer.alloc(FILE_BYTES), 0, FILE_BYTES, 0);
		await file.datasync();
		this.running = true;
		this.syncLoop = this.measureSyncs(file).finally(() => file.close());
		let last = monotonicMs();
		this.timer = setInterval(() => {
			const now = monotonicMs();
			const late = now - last - TICK_MS;
			last = now;
			if (late > 1) this.stalls.push({ at: now, ms: late });
		}, TICK_MS);
	}

	private async measureSyncs(file: fs.FileHandle): Promise<void> {
		const block = Buffer.alloc(WRITE_BYTES, 1);
		let position = 0;
		while (this.running) {
			const started = monotonicMs();
			await file.write(block, 0, WRITE_BYTES, position);
			await file.datasync();
			const ms = monotonicMs() - started;
			this.syncs.push({ at: started, ms });
			position = (position + WRITE_BYTES) % FILE_BYTES;
			await new Promise((resolve) => setTimeout(resolve, Math.max(0, SYNC_EVERY_MS - ms)));
		}
	}

	async stop(): Promise<void> {
		this.running = false;
		if (this.timer) clearInterval(this.timer);
		await this.syncLoop;
	}

	/** The figures of the samples taken inside the given windows (monotonic ms). */
	figures(windows: [number, number][]): MachineFigures {
		const inside = (sample: Sample) =>
			windows.some(([from, to]) => sample.at >= from && sample.at <= to);
		const syncs = new Latencies();
		syncs.add(Float64Array.from(this.syncs.filter(inside), (sample) => sample.ms));
		const worstStall = this.stalls
			.filter(inside)
			.reduce((worst, sample) => Math.max(worst, sample.ms), 0);
		return {
			disk_sync_p99_ms: syncs.percentile(99),
			disk_sync_max_ms: syncs.max(),
			idle_stall_max_ms: round2(worstStall)
		};
	}
}
