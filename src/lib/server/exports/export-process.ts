import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { spawnNodeInBackground } from '../threads/idle-policy.ts';
import type { ExportFormatName } from './export-records.ts';
import { PendingRequests, type ThreadAnswer } from '../threads/pending-requests.ts';
import type { ExportProcessRequest, ExportProcessResult } from './export-process.entry.ts';
import type { ExportPageRead, ExportSelection } from './export.repository.ts';

type Request = ExportProcessRequest extends infer R
	? R extends ExportProcessRequest
		? Omit<R, 'id'>
		: never
	: never;

export const EXPORT_PROCESS_ENTRY = fileURLToPath(
	new URL('./export-process.entry.ts', import.meta.url)
);

/**
 * Node flags of the export process, after the server's own: a heap bounded as the worker thread
 * it replaced was (V8 would otherwise let each page's garbage grow the heap to ~110 MB before its
 * first full collection), and a small young generation (a page's lines are short-lived).
 */
export const EXPORT_PROCESS_FLAGS: readonly string[] = [
	'--max-old-space-size=64',
	'--max-semi-space-size=4'
];

/**
 * One export's ZIP, written by a process of its own under SCHED_IDLE and nice 19
 * (export-process.entry.ts), so that formatting, CSV, EML and deflate never hold up the sockets,
 * and the memory they take (a Node runtime, the ZIP writer, each page's garbage: 60-100 MB at
 * its peak) is not the server's and is all given back when the export ends. On Postgres the
 * process reads each page itself when asked (readPage); on PGlite the job reads it and hands it
 * over (page); the files come from storage through the job. One page at a time: each call
 * resolves once the process has written what it was given (the backpressure that keeps memory
 * flat). Node runs the entry by type stripping, with the server's own flags and
 * EXPORT_PROCESS_FLAGS, for which the compile cache is filled too (server/compile-cache.ts), so
 * that it never loads the stripper.
 */
export class ExportZipWriter {
	private readonly child: ChildProcess;
	private readonly requests = new PendingRequests<ExportProcessResult>();
	/** Whether the process reads the pages from the database itself (readPage). */
	readonly readsDatabase: boolean;
	private stopped: Error | null = null;
	private readonly exited: Promise<void>;

	private constructor(readsDatabase: boolean) {
		this.readsDatabase = readsDatabase;
		// V8's serialization: a page's bytes go over the channel as bytes. JSON would spell a
		// Buffer out as an array of numbers, or need the page as a string in the server's heap.
		this.child = spawnNodeInBackground(
			[...process.execArgv, ...EXPORT_PROCESS_FLAGS, EXPORT_PROCESS_ENTRY],
			'advanced'
		);
		this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
		this.child.on('message', (answer: ThreadAnswer<ExportProcessResult>) =>
			this.requests.settle(answer)
		);
		this.child.on('error', (error) => this.fail(error));
		this.child.on('exit', (code, signal) =>
			this.fail(new Error(`The export process stopped (${signal ?? code}).`))
		);
	}

	/** The process writing this export (its memory and priority are its own). */
	get pid(): number | undefined {
		return this.child.pid;
	}

	/**
	 * Starts the process and the ZIP at `path` (JSON lines and CSV are spooled beside it). With
	 * `databaseUrl` (a Postgres server) the process reads the pages itself (readPage); without
	 * (the embedded database, which takes one connection: the server's) it is handed them (page).
	 */
	static async open(
		path: string,
		formats: readonly ExportFormatName[],
		databaseUrl?: string
	): Promise<ExportZipWriter> {
		const writer = new ExportZipWriter(databaseUrl !== undefined);
		try {
			await writer.ask({ type: 'start', path, formats: [...formats], databaseUrl });
		} catch (error) {
			await writer.close();
			throw error;
		}
		return writer;
	}

	/** A page of messages: the repository's JSON lines (UTF-8), one message a line. */
	async page(lines: Uint8Array): Promise<void> {
		await this.ask({ type: 'page', lines });
	}

	/**
	 * The next page of `selection` after `after`, read by the process over its own connection and
	 * written: the pages never pass through the server (their bytes, a few hundred KB each,
	 * were 30-50 MB of the server's memory at a time during an export of 1,000,000 messages).
	 */
	async readPage(
		selection: ExportSelection,
		after: ExportPageRead['after'],
		limit: number,
		withFiles: boolean
	): Promise<ExportPageRead> {
		return (await this.ask({ type: 'read', selection, after, limit, withFiles })) as ExportPageRead;
	}

	/** A file on this machine, stored in the ZIP under `name`. */
	async file(path: string, name: string): Promise<void> {
		await this.ask({ type: 'file', path, name });
	}

	/** Writes the spooled formats and the manifest, closes the ZIP; answers its size in bytes. */
	async finish(manifest: unknown): Promise<number> {
		const manifestText = JSON.stringify(manifest, null, 2);
		return (await this.ask({ type: 'finish', manifest: manifestText })) as number;
	}

	/** Ends the process (its channel closes: it exits) and waits until it has. */
	async close(): Promise<void> {
		this.stopped ??= new Error('The export process was closed.');
		if (this.child.exitCode === null && this.child.signalCode === null) {
			if (this.child.connected) this.child.disconnect();
			else this.child.kill();
		}
		await this.exited;
	}

	private ask(request: Request): Promise<ExportProcessResult> {
		if (this.stopped) return Promise.reject(this.stopped);
		const { id, answer } = this.requests.open();
		this.child.send({ ...request, id } as ExportProcessRequest);
		return answer;
	}

	private fail(error: Error): void {
		this.stopped ??= error;
		this.requests.failAll(error);
	}
}
