import fs from 'node:fs';
import os from 'node:os';

/**
 * Resident memory and CPU time of processes, read from /proc (Linux). CPU% is of one core,
 * so a process using both cores of this machine shows up to 200%.
 */
const TICKS_PER_SECOND = 100;

export interface ProcSample {
	at: number;
	rssMb: number;
	cpuSeconds: number;
}

export function sampleProcess(pid: number): ProcSample | null {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		// Fields after the command name (which may contain spaces) in parentheses.
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		const utime = Number(fields[11]);
		const stime = Number(fields[12]);
		const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
		const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
		return {
			at: performance.now(),
			rssMb: rssKb / 1024,
			cpuSeconds: (utime + stime) / TICKS_PER_SECOND
		};
	} catch {
		return null;
	}
}

/** A process's command line ('' once it has gone). */
export function commandOf(pid: number): string {
	try {
		return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
	} catch {
		return '';
	}
}

/** The processes whose parent is `pid` (the server's image and export processes). */
export function childProcessesOf(pid: number): number[] {
	const children: number[] = [];
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
			const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			if (parent === pid) children.push(Number(entry));
		} catch {
			// Gone since the listing.
		}
	}
	return children;
}

/** Busy and total jiffies of the whole machine, for how loaded it was by everyone. */
function machineTicks(): { busy: number; total: number } {
	const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
	const values = line.trim().split(/\s+/).slice(1).map(Number);
	const idle = (values[3] ?? 0) + (values[4] ?? 0);
	const total = values.reduce((sum, value) => sum + value, 0);
	return { busy: total - idle, total };
}

/**
 * Samples a set of processes once a second over a measurement window: peak RSS, and CPU%
 * averaged over the window.
 */
export class ProcessMonitor {
	readonly pids: number[];
	private first = new Map<number, ProcSample>();
	private last = new Map<number, ProcSample>();
	private peakRss = new Map<number, number>();
	private timer: ReturnType<typeof setInterval> | null = null;
	private machineStart = machineTicks();
	private loadStart = os.loadavg()[0]!;

	constructor(pids: number[]) {
		this.pids = pids;
	}

	start(): this {
		this.machineStart = machineTicks();
		this.loadStart = os.loadavg()[0]!;
		this.sample();
		this.timer = setInterval(() => this.sample(), 1_000);
		return this;
	}

	private sample(): void {
		for (const pid of this.pids) {
			const sample = sampleProcess(pid);
			if (!sample) continue;
			if (!this.first.has(pid)) this.first.set(pid, sample);
			this.last.set(pid, sample);
			this.peakRss.set(pid, Math.max(this.peakRss.get(pid) ?? 0, sample.rssMb));
		}
	}

	stop(): {
		rssMb: number;
		cpuPct: number;
		/** CPU seconds all the processes used during the window. */
		cpuSeconds: number;
		perProcess: { pid: number; rssMb: number; cpuPct: number }[];
		machineBusyPct: number;
		loadAvg: number;
	} {
		this.sample();
		if (this.timer) clearInterval(this.timer);
		const perProcess = this.pids.map((pid) => {
			const first = this.first.get(pid);
			const last = this.last.get(pid);
			const seconds = first && last ? (last.at - first.at) / 1000 : 0;
			const cpuPct =
				first && last && seconds > 0 ? ((last.cpuSeconds - first.cpuSeconds) / seconds) * 100 : 0;
			const cpuSeconds = first && last ? last.cpuSeconds - first.cpuSeconds : 0;
			return { pid, rssMb: round(this.peakRss.get(pid) ?? 0), cpuPct: round(cpuPct), cpuSeconds };
		});
		const machine = machineTicks();
		const total = machine.total - this.machineStart.total;
		const cores = os.cpus().length;
		return {
			rssMb: round(perProcess.reduce((sum, p) => sum + p.rssMb, 0)),
			cpuPct: round(perProcess.reduce((sum, p) => sum + p.cpuPct, 0)),
			cpuSeconds: perProcess.reduce((sum, p) => sum + p.cpuSeconds, 0),
			perProcess: perProcess.map(({ pid, rssMb, cpuPct }) => ({ pid, rssMb, cpuPct })),
			machineBusyPct:
				total > 0 ? round(((machine.busy - this.machineStart.busy) / total) * 100 * cores) : 0,
			loadAvg: round(this.loadStart)
		};
	}
}

export function round(value: number, digits = 1): number {
	const factor = 10 ** digits;
	return Math.round(value * factor) / factor;
}

/**
 * Waits until the processes are quiet (under `threshold` CPU% over a second), so that work left
 * over from a previous scenario (documents unloading and compacting) does not run during the
 * next measurement. Gives up after `timeoutMs`.
 */
export async function quiesce(pids: number[], threshold = 10, timeoutMs = 60_000): Promise<number> {
	const started = performance.now();
	for (;;) {
		const first = pids.map((pid) => sampleProcess(pid));
		await new Promise((resolve) => setTimeout(resolve, 1_000));
		const busiest = Math.max(
			0,
			...pids.map((pid, i) => {
				const a = first[i];
				const b = sampleProcess(pid);
				return a && b ? ((b.cpuSeconds - a.cpuSeconds) / ((b.at - a.at) / 1000)) * 100 : 0;
			})
		);
		if (busiest < threshold || performance.now() - started > timeoutMs) return busiest;
	}
}
