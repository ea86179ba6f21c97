import { Worker } from 'node:worker_threads';
import type { ExportFormatName } from './export-records.ts';
import type { ExportThreadRequest } from './export.worker.ts';

type Request = ExportThreadRequest extends infer R
	? R extends ExportThreadRequest
		? Omit<R, 'id'>
		: never
	: never;

/**
 * One export's ZIP, written on a worker thread of its own at nice 19 (export.worker.ts), so that
 * formatting, CSV, EML and deflate never hold up the sockets: the job reads pages from the
 * database and storage (I/O only) and hands them over one at a time; each call resolves once
 * the thread has written what it was given (the backpressure that keeps memory flat). As with
 * the summary thread, the worker is a `.ts` file Node runs by type stripping: used from the job
 * handler, which runs in the process entry's modules, not from the SvelteKit bundle.
 */
export class ExportZipWriter {
	private readonly worker: Worker;
	private next = 1;
	private readonly waiting = new Map<
		number,
		{ resolve: (bytes: number | undefined) => void; reject: (error: Error) => void }
	>();
	private stopped: Error | null = null;

	private constructor() {
		// A small heap of its own: without a limit V8 lets the thread's garbage (each page's
		// parsed lines and strings) pile up to well over 100 MB before collecting it.
		this.worker = new Worker(new URL('./export.worker.ts', import.meta.url), {
			resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 }
		});
		this.worker.on('message', (answer: { id: number; bytes?: number; error?: string }) => {
			const job = this.waiting.get(answer.id);
			this.waiting.delete(answer.id);
			if (answer.error !== undefined) job?.reject(new Error(answer.error));
			else job?.resolve(answer.bytes);
		});
		this.worker.on('error', (error) => this.fail(error));
		this.worker.on('exit', () => this.fail(new Error('The export thread stopped.')));
	}

	/** Starts the thread and the ZIP at `path` (JSON lines and CSV are spooled beside it). */
	static async open(path: string, formats: readonly ExportFormatName[]): Promise<ExportZipWriter> {
		const writer = new ExportZipWriter();
		try {
			await writer.ask({ type: 'start', path, formats: [...formats] });
		} catch (error) {
			await writer.close();
			throw error;
		}
		return writer;
	}

	/** A page of messages: the repository's JSON lines, one message a line. */
	async page(lines: string): Promise<void> {
		await this.ask({ type: 'page', lines });
	}

	/** A file on this machine, stored in the ZIP under `name`. */
	async file(path: string, name: string): Promise<void> {
		await this.ask({ type: 'file', path, name });
	}

	/** Writes the spooled formats and the manifest, closes the ZIP; answers its size in bytes. */
	async finish(manifest: unknown): Promise<number> {
		const bytes = await this.ask({ type: 'finish', manifest: JSON.stringify(manifest, null, 2) });
		return bytes ?? 0;
	}

	async close(): Promise<void> {
		this.stopped ??= new Error('The export thread was closed.');
		await this.worker.terminate();
	}

	private ask(request: Request): Promise<number | undefined> {
		if (this.stopped) return Promise.reject(this.stopped);
		const id = this.next++;
		return new Promise((resolve, reject) => {
			this.waiting.set(id, { resolve, reject });
			this.worker.postMessage({ ...request, id } as ExportThreadRequest);
		});
	}

	private fail(error: Error): void {
		this.stopped ??= error;
		for (const { reject } of this.waiting.values()) reject(error);
		this.waiting.clear();
	}
}
