/**
 * The export process's entry (see export-process.ts). Node runs it as TypeScript (type
 * stripping): it imports only packages and plain modules (export-records, the export repository,
 * db/postgres-client, threads/idle-policy). It reads pages of messages itself from a Postgres
 * server, or is handed them (PGlite), turns them into the formats asked and writes them, with the
 * files, into one ZIP on disk: JSON lines and CSV go to files of their own beside the ZIP while
 * pages come (a ZIP entry must be written whole before the next starts) and become entries at
 * the end; each EML and each file is an entry at once. Every request is answered only once what
 * it gave is written, so the caller never has more than a page in flight: memory stays the same
 * however large the export.
 */
import fs from 'node:fs';
import { once } from 'node:events';
import module from 'node:module';
import { ZipArchive } from 'archiver';
import {
	csvHeader,
	csvRows,
	emlOf,
	exportLine,
	type ExportedMessage,
	type ExportFormatName
} from './export-records.ts';
import { lowerThisThreadsNice } from '../threads/idle-policy.ts';
import { answerOf } from '../threads/pending-requests.ts';
import { connectPostgres } from '../db/postgres-client.ts';
import {
	ExportRepository,
	type ExportPageRead,
	type ExportSelection
} from './export.repository.ts';

if (process.argv.includes('--warm-compile-cache')) {
	// server/compile-cache.ts: this module and its imports are compiled with this process's
	// flags by now; nothing is started.
	module.flushCompileCache();
	process.exit(0);
}

// Zipping takes the CPU only when the server's threads do not want it: the launcher put this
// process under SCHED_IDLE (spawnNodeInBackground); nice 19 on top, and where it could not.
lowerThisThreadsNice();
// The server went away (or closed this export): nothing is left to write for.
process.on('disconnect', () => process.exit(0));

/** How the export process names its connection in Postgres's `pg_stat_activity`. */
export const EXPORT_PROCESS_APPLICATION = 'connectflow-export';

export type ExportProcessRequest =
	| {
			type: 'start';
			id: number;
			path: string;
			formats: ExportFormatName[];
			/** A Postgres server the process reads the pages from itself ('read'). */
			databaseUrl?: string;
	  }
	| { type: 'page'; id: number; lines: Uint8Array }
	| {
			type: 'read';
			id: number;
			selection: ExportSelection;
			after: ExportPageRead['after'];
			limit: number;
			withFiles: boolean;
	  }
	| { type: 'file'; id: number; path: string; name: string }
	| { type: 'finish'; id: number; manifest: string };

let repository: ExportRepository | null = null;
let archive: ZipArchive | null = null;
let output: fs.WriteStream | null = null;
let zipPath = '';
let formats: ExportFormatName[] = [];
let jsonl: fs.WriteStream | null = null;
let csv: fs.WriteStream | null = null;
let appended = 0;
let processed = 0;
let failure: Error | null = null;
let settle: (() => void) | null = null;

async function write(stream: fs.WriteStream, text: string): Promise<void> {
	if (text.length === 0) return;
	if (!stream.write(text)) await once(stream, 'drain');
}

/** Waits until the archive has written every entry given so far. */
async function entriesWritten(): Promise<void> {
	while (processed < appended && !failure) {
		await new Promise<void>((resolve) => (settle = resolve));
	}
	if (failure) throw failure;
}

function append(source: Buffer | fs.ReadStream, name: string, store = false): void {
	appended += 1;
	archive!.append(source, { name, date: new Date(), store });
}

async function start(request: Extract<ExportProcessRequest, { type: 'start' }>): Promise<void> {
	zipPath = request.path;
	formats = request.formats;
	appended = 0;
	processed = 0;
	failure = null;
	archive = new ZipArchive({ zlib: { level: 6 } });
	output = fs.createWriteStream(zipPath);
	archive.on('entry', () => {
		processed += 1;
		settle?.();
	});
	const fail = (error: Error) => {
		failure = error;
		settle?.();
	};
	archive.on('error', fail);
	archive.on('warning', fail);
	output.on('error', fail);
	archive.pipe(output);
	jsonl = formats.includes('jsonl') ? fs.createWriteStream(`${zipPath}.jsonl`) : null;
	csv = formats.includes('csv') ? fs.createWriteStream(`${zipPath}.csv`) : null;
	if (csv) await write(csv, csvHeader());
	if (request.databaseUrl) {
		const sql = connectPostgres(request.databaseUrl, {
			max: 1,
			applicationName: EXPORT_PROCESS_APPLICATION
		});
		repository = new ExportRepository(sql);
	}
}

/**
 * The next page, read from the database by this process over its own connection and written;
 * answers where the next one starts and the page's files (the server copies those in).
 */
async function read(
	request: Extract<ExportProcessRequest, { type: 'read' }>
): Promise<ExportPageRead> {
	if (!repository) throw new Error('This export process was started without a database.');
	const { lines, ...next } = await repository.page(
		request.selection,
		request.after,
		request.limit,
		request.withFiles
	);
	await writeLines(lines);
	return next;
}

async function page(request: Extract<ExportProcessRequest, { type: 'page' }>): Promise<void> {
	await writeLines(request.lines);
}

/** A page's JSON lines (UTF-8, one message a line) in every format asked. */
async function writeLines(bytes: Uint8Array): Promise<void> {
	const lines = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
		.toString('utf8')
		.split('\n')
		.filter((text) => text.length > 0)
		.map((text) => exportLine(JSON.parse(text) as ExportedMessage));
	if (jsonl) await write(jsonl, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
	if (csv) await write(csv, csvRows(lines));
	if (formats.includes('eml')) {
		for (const line of lines) {
			const day = line.acceptedAt.slice(0, 10);
			append(await emlOf(line), `eml/${day}/${line.id}.eml`);
		}
		await entriesWritten();
	}
}

async function file(request: Extract<ExportProcessRequest, { type: 'file' }>): Promise<void> {
	// Files are mostly compressed already (images, PDF, Office): stored, not deflated again.
	append(fs.createReadStream(request.path), request.name, true);
	await entriesWritten();
}

async function closeStream(stream: fs.WriteStream | null): Promise<void> {
	if (!stream) return;
	stream.end();
	await once(stream, 'finish');
}

async function finish(request: Extract<ExportProcessRequest, { type: 'finish' }>): Promise<number> {
	await Promise.all([closeStream(jsonl), closeStream(csv)]);
	if (jsonl) append(fs.createReadStream(`${zipPath}.jsonl`), 'messages.jsonl');
	if (csv) append(fs.createReadStream(`${zipPath}.csv`), 'messages.csv');
	append(Buffer.from(request.manifest), 'manifest.json');
	await entriesWritten();
	const closed = once(output!, 'close');
	await archive!.finalize();
	await closed;
	await Promise.all(
		[jsonl && `${zipPath}.jsonl`, csv && `${zipPath}.csv`]
			.filter((path): path is string => Boolean(path))
			.map((path) => fs.promises.rm(path, { force: true }))
	);
	jsonl = null;
	csv = null;
	await repository?.sql.end({ timeout: 5 });
	repository = null;
	return archive!.pointer();
}

/** What a request's answer holds: the next page to 'read', the ZIP's size to 'finish'. */
export type ExportProcessResult = ExportPageRead | number | null;

async function handle(request: ExportProcessRequest): Promise<ExportProcessResult> {
	if (request.type === 'start') await start(request);
	else if (request.type === 'page') await page(request);
	else if (request.type === 'read') return read(request);
	else if (request.type === 'file') await file(request);
	else return finish(request);
	return null;
}

let queue: Promise<void> = Promise.resolve();

process.on('message', (request: ExportProcessRequest) => {
	// One request after the other, in the order sent.
	queue = queue.then(async () => {
		process.send!(await answerOf(request.id, request, handle));
	});
});
