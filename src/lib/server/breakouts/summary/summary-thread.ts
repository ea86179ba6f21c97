import { Worker } from 'node:worker_threads';
import type { BreakoutSummary, BreakoutTranscript } from './types.ts';

/**
 * The built-in summarizer on a worker thread of its own, so that ranking a long room (TextRank
 * is quadratic in sentences) never holds up the sockets: rooms are summarized one after the
 * other, in the order asked. The thread starts at the first summary and lets the process exit
 * while it has nothing to do; a thread that dies fails the summaries it held, and the next one
 * starts a new thread.
 */
export class SummaryThread {
	private worker: Worker | null = null;
	private next = 1;
	private readonly waiting = new Map<
		number,
		{ resolve: (summary: BreakoutSummary) => void; reject: (error: Error) => void }
	>();

	summarize(transcript: BreakoutTranscript): Promise<BreakoutSummary> {
		const worker = this.start();
		const id = this.next++;
		// Kept alive while it has work, as a socket with a request in flight would be.
		worker.ref();
		return new Promise((resolve, reject) => {
			this.waiting.set(id, { resolve, reject });
			worker.postMessage({ id, transcript });
		});
	}

	/** How many summaries are asked and not answered yet. */
	get pending(): number {
		return this.waiting.size;
	}

	async close(): Promise<void> {
		const worker = this.worker;
		this.worker = null;
		this.fail(new Error('The summary thread was closed.'));
		if (worker) await worker.terminate();
	}

	private fail(error: Error): void {
		for (const { reject } of this.waiting.values()) reject(error);
		this.waiting.clear();
	}

	private start(): Worker {
		if (this.worker) return this.worker;
		const worker = new Worker(new URL('./summary.worker.ts', import.meta.url));
		worker.on('message', (answer: { id: number; summary?: BreakoutSummary; error?: string }) => {
			const job = this.waiting.get(answer.id);
			this.waiting.delete(answer.id);
			if (this.waiting.size === 0) worker.unref();
			if (answer.summary) job?.resolve(answer.summary);
			else job?.reject(new Error(`The summary failed: ${answer.error ?? 'no answer'}`));
		});
		worker.on('error', (error) => {
			if (this.worker === worker) this.worker = null;
			this.fail(error);
		});
		worker.on('exit', () => {
			if (this.worker === worker) this.worker = null;
			this.fail(new Error('The summary thread stopped.'));
		});
		worker.unref();
		this.worker = worker;
		return worker;
	}
}
