import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Background work (images, the file cipher, exports) runs under Linux's SCHED_IDLE policy where
 * `chrt` is found, on top of nice 19: a thread of the process that serves the sockets that
 * wakes up takes a core from such work at once, and the scheduler counts a core running only
 * such work as free when it places that thread. At nice 19 alone the image work still held a
 * core for up to a time slice while the main thread waited (scenario 9). Elsewhere nice 19 is
 * what remains. Unprivileged processes may move themselves to SCHED_IDLE (not back).
 */
function chrtPath(): string | null {
	if (process.platform !== 'linux') return null;
	for (const folder of ['/usr/bin', '/bin', '/usr/sbin', '/sbin']) {
		const chrt = path.join(folder, 'chrt');
		if (existsSync(chrt)) return chrt;
	}
	return null;
}

/** The words that start a command under SCHED_IDLE (none where that cannot be done). */
export function idlePolicyLauncher(): string[] {
	const chrt = chrtPath();
	return chrt ? [chrt, '--idle', '0'] : [];
}

/**
 * Starts `node <args>` under SCHED_IDLE with an IPC channel (the image and export processes);
 * the process is to lower its own nice value first thing (lowerThisThreadsNice), so that the
 * threads it starts inherit it.
 */
export function spawnNodeInBackground(
	args: readonly string[],
	serialization: 'json' | 'advanced' = 'json'
): ChildProcess {
	const [command, ...rest] = [...idlePolicyLauncher(), process.execPath, ...args];
	return spawn(command!, rest, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization });
}

/**
 * Moves the calling thread (a worker thread: Linux schedules each thread on its own) to
 * SCHED_IDLE. Blocks this thread for the moment `chrt` takes, never the main one. Returns
 * whether it did.
 */
export function idlePolicyForThisThread(): boolean {
	const chrt = chrtPath();
	if (!chrt) return false;
	let tid: string;
	try {
		// /proc/thread-self links to /proc/<pid>/task/<tid>.
		tid = path.basename(readlinkSync('/proc/thread-self'));
	} catch {
		return false;
	}
	const done = spawnSync(chrt, ['--idle', '--pid', '0', tid], { stdio: 'ignore', timeout: 5000 });
	return done.status === 0;
}

/** Nice 19 for the calling thread (on Linux a thread has its own), where that is allowed. */
export function lowerThisThreadsNice(): void {
	try {
		os.setPriority(19);
	} catch {
		// Not allowed here: it runs at the process's priority.
	}
}

/**
 * Lowers the calling worker thread to background priority: nice 19 and SCHED_IDLE, so its work
 * takes the CPU only when the threads that serve the sockets do not want it. Where either is not
 * allowed, the thread keeps what it had.
 */
export function runThisThreadInBackground(): void {
	lowerThisThreadsNice();
	idlePolicyForThisThread();
}
