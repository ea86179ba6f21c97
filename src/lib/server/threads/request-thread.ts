import { Worker, type ResourceLimits } from 'node:worker_threads';
import { PendingRequests, type ThreadAnswer } from './pending-requests.ts';

export interface RequestThreadOptions {
	/** Names the thread in errors ("The summary thread stopped."). */
	name: string;
	workerData?: unknown;
	resourceLimits?: ResourceLimits;
}

/**
 * A worker thread that answers requests, one message each way, for work that must not run on
 * the event loop that serves the sockets. Its entry is a `.ts` file Node runs by type stripping
 * (it must be reached from the process entry's modules, not from the SvelteKit bundle, as the
 * server's app context is). The thread starts at the first request and lets the process exit
 * while it has nothing to do; a thread that dies fails the requests it held, and the next
 * request starts a new one.
 */
export class RequestThread<Request, Result> {
	readonly #entry: URL;
	readonly #options: RequestThreadOptions;
	#worker: Worker | null = null;
	readonly #requests = new PendingRequests<Result>();

	constructor(entry: URL, options: RequestThreadOptions) {
		this.#entry = entry;
		this.#options = options;
	}

	ask(request: Request): Promise<Result> {
		const worker = this.#start();
		const { id, answer } = this.#requests.open();
		// Kept alive while it has work, as a socket with a request in flight would be.
		worker.ref();
		worker.postMessage({ id, request });
		return answer;
	}

	/** How many requests are asked and not answered yet. */
	get pending(): number {
		return this.#requests.pending;
	}

	/** How many requests the thread has answered (with a result or an error). */
	get answered(): number {
		return this.#requests.answered;
	}

	async close(): Promise<void> {
		const worker = this.#worker;
		this.#worker = null;
		this.#requests.failAll(new Error(`The ${this.#options.name} thread was closed.`));
		if (worker) await worker.terminate();
	}

	#start(): Worker {
		if (this.#worker) return this.#worker;
		const worker = new Worker(this.#entry, {
			workerData: this.#options.workerData,
			resourceLimits: this.#options.resourceLimits
		});
		worker.on('message', (answer: ThreadAnswer<Result>) => {
			this.#requests.settle(answer);
			if (this.#requests.pending === 0) worker.unref();
		});
		worker.on('error', (error) => {
			if (this.#worker === worker) this.#worker = null;
			this.#requests.failAll(error);
		});
		worker.on('exit', () => {
			if (this.#worker === worker) this.#worker = null;
			this.#requests.failAll(new Error(`The ${this.#options.name} thread stopped.`));
		});
		worker.unref();
		this.#worker = worker;
		return worker;
	}
}
