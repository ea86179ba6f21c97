import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { spawnNodeInBackground } from './idle-policy.ts';
import { PendingRequests, type ThreadAnswer } from './pending-requests.ts';

export interface RequestProcessOptions {
	/** Names the process in errors ("The file cipher process stopped."). */
	name: string;
	/** What the process is started with: its first message (serveProcessRequests' `init`). */
	init: unknown;
	/** Node flags after the server's own (its heap, say). */
	nodeFlags?: readonly string[];
}

/**
 * A child process that answers requests, one message each way, as a RequestThread does: for
 * work whose memory must not be the server's. A worker thread's V8 isolate, heap and buffers
 * are the server process's resident memory for as long as the thread lives (the file cipher's
 * was 27 MB of it from its first file on); a process's are its own. The process runs the entry
 * (`serveProcessRequests`) by type stripping with the server's flags and `nodeFlags`, under
 * SCHED_IDLE at nice 19 (spawnNodeInBackground); it starts at the first request and lets the
 * server exit while it has nothing to do; one that dies fails the requests it held, and the
 * next request starts a new one. Messages go with V8's serialization (bytes as bytes).
 */
export class RequestProcess<Request, Result> {
	readonly #entry: string;
	readonly #options: RequestProcessOptions;
	#child: ChildProcess | null = null;
	readonly #requests = new PendingRequests<Result>();

	constructor(entry: URL, options: RequestProcessOptions) {
		this.#entry = fileURLToPath(entry);
		this.#options = options;
	}

	ask(request: Request): Promise<Result> {
		const child = this.#start();
		const { id, answer } = this.#requests.open();
		// Kept alive while it has work, as a socket with a request in flight would be.
		child.ref();
		child.channel?.ref();
		child.send({ id, request });
		return answer;
	}

	/** How many requests are asked and not answered yet. */
	get pending(): number {
		return this.#requests.pending;
	}

	/** How many requests the process has answered (with a result or an error). */
	get answered(): number {
		return this.#requests.answered;
	}

	/** The running process's id, if one runs. */
	get pid(): number | undefined {
		return this.#child?.pid;
	}

	/** Ends the process (its channel closes: it exits) and waits until it has. */
	async close(): Promise<void> {
		const child = this.#child;
		this.#child = null;
		this.#requests.failAll(new Error(`The ${this.#options.name} process was closed.`));
		if (!child || child.exitCode !== null || child.signalCode !== null) return;
		const exited = new Promise((resolve) => child.once('exit', resolve));
		child.ref();
		if (child.connected) child.disconnect();
		else child.kill();
		await exited;
	}

	#idle(child: ChildProcess): void {
		child.unref();
		child.channel?.unref();
	}

	#start(): ChildProcess {
		if (this.#child) return this.#child;
		const child = spawnNodeInBackground(
			[...process.execArgv, ...(this.#options.nodeFlags ?? []), this.#entry],
			'advanced'
		);
		child.on('message', (answer: ThreadAnswer<Result>) => {
			this.#requests.settle(answer);
			if (this.#requests.pending === 0) this.#idle(child);
		});
		// A process that dies fails what it held (a closed one's were failed by close).
		child.on('error', (error) => {
			if (this.#child !== child) return;
			this.#child = null;
			this.#requests.failAll(error);
		});
		child.on('exit', () => {
			if (this.#child !== child) return;
			this.#child = null;
			this.#requests.failAll(new Error(`The ${this.#options.name} process stopped.`));
		});
		child.send({ init: this.#options.init });
		this.#idle(child);
		this.#child = child;
		return child;
	}
}
