import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import type { AppConfig } from '../config.ts';
import { startPgliteThread } from '../db/pglite-thread.ts';
import { generatedKeyPath, parseFilesKey } from '../storage/file-encryption.ts';
import { writeArchive } from './archive.ts';
import {
	backupSocketPath,
	FolderInUseError,
	holdDataFolder,
	type DataFolderHold
} from './backup-socket.ts';

/**
 * `npm run backup`: the database and the files in one archive (archive.ts), with a manifest.
 *
 *   database/pglite.tar      the embedded database's image (PGlite dumpDataDir), or
 *   database/postgres.dump   pg_dump's custom format, for pg_restore
 *   files/…                  the local folder's files as stored (encrypted) and their sidecars
 *   keys/files.key           the generated files key, when it lives in the data folder
 *   manifest.json            last: what the archive holds (BackupManifest)
 *
 * The database is taken first, then the files: a file is written before the record that names
 * it and deleted after, so every file a backed-up record names is in the archive (unless it was
 * deleted while the backup ran: counted as `missing`).
 */
export const MANIFEST_FORMAT = 'connectflow-backup';
export const MANIFEST_VERSION = 1;
export const PGLITE_ENTRY = 'database/pglite.tar';
export const POSTGRES_ENTRY = 'database/postgres.dump';
export const KEY_ENTRY = 'keys/files.key';
export const MANIFEST_ENTRY = 'manifest.json';
export const FILES_PREFIX = 'files/';

export interface BackupManifest {
	format: typeof MANIFEST_FORMAT;
	version: number;
	createdAt: string;
	appVersion: string;
	database: {
		kind: 'pglite' | 'postgres';
		entry: string;
		bytes: number;
		/** PGlite: taken through the running server (true) or from the stopped folder (false). */
		online: boolean;
		/** Rows per table of the public schema, as backed up. */
		counts: Record<string, number>;
	};
	files: {
		storage: 'local' | 's3';
		/** S3: the bucket is left to its own versioning and replication (see ARCHITECTURE). */
		included: boolean;
		bucket?: string;
		count: number;
		bytes: number;
		/** Files listed but deleted before they were read. */
		missing: number;
	};
	encryption: {
		/** The id of the key the local files were encrypted with (file-encryption.ts). */
		keyId: string | null;
		keySource: 'environment' | 'data folder' | null;
		keyIncluded: boolean;
	};
}

export class BackupError extends Error {
	override readonly name = 'BackupError';
	readonly code: string;
	constructor(code: string, message: string) {
		super(message);
		this.code = code;
	}
}

const run = promisify(execFile);

/** Takes a backup of what `config` names into `outFile` (written beside it, then renamed). */
export async function takeBackup(config: AppConfig, outFile: string): Promise<BackupManifest> {
	const target = path.resolve(outFile);
	await fs.mkdir(path.dirname(target), { recursive: true });
	const partial = `${target}.partial`;
	const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'cf-backup-'));
	try {
		const archive = writeArchive(partial);
		let database: BackupManifest['database'];
		if (config.DATABASE_URL) {
			const dump = path.join(scratch, 'postgres.dump');
			const counts = await countPostgres(config.DATABASE_URL);
			await pgDump(config.DATABASE_URL, dump);
			const { size } = await fs.stat(dump);
			await archive.addHandle(POSTGRES_ENTRY, await fs.open(dump, 'r'));
			database = { kind: 'postgres', entry: POSTGRES_ENTRY, bytes: size, online: true, counts };
		} else {
			const taken = await pgliteImage(config);
			const counts = await countImage(taken.image);
			await archive.addBytes(PGLITE_ENTRY, taken.image);
			database = {
				kind: 'pglite',
				entry: PGLITE_ENTRY,
				bytes: taken.image.byteLength,
				online: taken.online,
				counts
			};
		}

		const files: BackupManifest['files'] = config.S3_ENDPOINT
			? {
					storage: 's3',
					included: false,
					bucket: config.S3_BUCKET,
					count: 0,
					bytes: 0,
					missing: 0
				}
			: { storage: 'local', included: true, count: 0, bytes: 0, missing: 0 };
		if (!config.S3_ENDPOINT) {
			for await (const relative of walk(config.filesDir)) {
				const handle = await fs.open(path.join(config.filesDir, relative), 'r').catch((error) => {
					if ((error as { code?: string }).code === 'ENOENT') return null;
					throw error;
				});
				if (!handle) {
					files.missing++;
					continue;
				}
				files.bytes += await archive.addHandle(FILES_PREFIX + relative, handle);
				files.count++;
			}
		}

		const encryption: BackupManifest['encryption'] = {
			keyId: null,
			keySource: null,
			keyIncluded: false
		};
		const keyFile = generatedKeyPath(config.dataDir);
		if (config.FILES_ENCRYPTION_KEY) {
			encryption.keyId = parseFilesKey(config.FILES_ENCRYPTION_KEY).id;
			encryption.keySource = 'environment';
		} else if (existsSync(keyFile)) {
			const text = readFileSync(keyFile, 'utf8');
			encryption.keyId = parseFilesKey(text).id;
			encryption.keySource = 'data folder';
			// The archive already holds every message in plain text (the database): it is as
			// secret as the data folder, and restoring it must give readable files.
			await archive.addBytes(KEY_ENTRY, Buffer.from(text));
			encryption.keyIncluded = true;
		}

		const manifest: BackupManifest = {
			format: MANIFEST_FORMAT,
			version: MANIFEST_VERSION,
			createdAt: new Date().toISOString(),
			appVersion: appVersion(),
			database,
			files,
			encryption
		};
		await archive.addBytes(MANIFEST_ENTRY, Buffer.from(JSON.stringify(manifest, null, '\t')));
		await archive.finish();
		await fs.chmod(partial, 0o600);
		await fs.rename(partial, target);
		return manifest;
	} catch (error) {
		await fs.rm(partial, { force: true });
		throw error;
	} finally {
		await fs.rm(scratch, { recursive: true, force: true });
	}
}

/**
 * The embedded database's image: from the running server through its socket (no pause), or,
 * when no server runs, from the folder itself, holding the folder's socket meanwhile so that a
 * server starting now waits for it (backup-socket.ts).
 */
async function pgliteImage(config: AppConfig): Promise<{ image: Uint8Array; online: boolean }> {
	const socketPath = backupSocketPath(config.dataDir);
	const started = Date.now();
	for (;;) {
		const fromServer = await imageFromServer(socketPath);
		if (fromServer === 'busy') {
			// A server starting (it answers once its database is open), or a restore running.
			if (Date.now() - started > SERVER_START_WAIT_MS) {
				throw new BackupError(
					'FOLDER_BUSY',
					`The process holding ${config.dataDir} did not serve its database within ` +
						`${SERVER_START_WAIT_MS / 1000} s.`
				);
			}
			await new Promise((resolve) => setTimeout(resolve, 250));
			continue;
		}
		if (fromServer) return { image: fromServer, online: true };
		let hold: DataFolderHold;
		try {
			hold = await holdDataFolder(config.dataDir, 'backup');
		} catch (error) {
			// A server took the folder just now: ask it.
			if (error instanceof FolderInUseError) continue;
			throw error;
		}
		try {
			if (!existsSync(path.join(config.pgliteDir, 'PG_VERSION'))) {
				throw new BackupError(
					'NO_DATABASE',
					`There is no embedded database in ${config.pgliteDir}, and no server runs on it. ` +
						'Set DATA_DIR (or DATABASE_URL) as the server has it.'
				);
			}
			const thread = await startPgliteThread(config.pgliteDir);
			try {
				return { image: await thread.image(), online: false };
			} finally {
				await thread.stop();
			}
		} finally {
			await hold.close();
		}
	}
}

/** How long a backup waits for a starting server to open its database. */
const SERVER_START_WAIT_MS = 120_000;

/**
 * The image from the process on the socket; null when nobody listens there (no server, or a
 * stale socket of a killed one); 'busy' while it does not serve its database (starting).
 */
export function imageFromServer(socketPath: string): Promise<Uint8Array | 'busy' | null> {
	return new Promise((resolve, reject) => {
		const request = http.get({ socketPath, path: '/database', agent: false }, (response) => {
			const chunks: Buffer[] = [];
			response.on('data', (chunk: Buffer) => chunks.push(chunk));
			response.on('error', reject);
			response.on('end', () => {
				if (response.statusCode === 200) resolve(Buffer.concat(chunks));
				else if (response.statusCode === 503) resolve('busy');
				else
					reject(
						new BackupError(
							'SERVER_IMAGE_FAILED',
							`The running server could not take the database image (${response.statusCode}): ` +
								Buffer.concat(chunks).toString()
						)
					);
			});
		});
		request.on('error', (error: NodeJS.ErrnoException) => {
			if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') resolve(null);
			else reject(error);
		});
	});
}

async function pgDump(url: string, file: string): Promise<void> {
	try {
		await run(
			'pg_dump',
			['--format=custom', '--no-owner', '--no-privileges', `--file=${file}`, `--dbname=${url}`],
			{ maxBuffer: 16 * 1024 * 1024 }
		);
	} catch (error) {
		throw new BackupError(
			'PG_DUMP_FAILED',
			`pg_dump failed: ${(error as { stderr?: string }).stderr || String(error)}`
		);
	}
}

async function countPostgres(url: string): Promise<Record<string, number>> {
	const sql = postgres(url, { max: 1, onnotice: () => {} });
	try {
		return await countTables(sql);
	} finally {
		await sql.end({ timeout: 5 });
	}
}

/** Opens the image in memory (which proves it opens) and counts its rows. */
async function countImage(image: Uint8Array): Promise<Record<string, number>> {
	const thread = await startPgliteThread(null, image);
	const sql = postgres({
		host: thread.host,
		port: thread.port,
		user: 'postgres',
		database: 'postgres',
		max: 1,
		onnotice: () => {}
	});
	try {
		return await countTables(sql);
	} finally {
		await sql.end({ timeout: 5 });
		await thread.stop();
	}
}

export async function countTables(sql: postgres.Sql): Promise<Record<string, number>> {
	const tables = await sql<{ name: string }[]>`
		select table_name as name from information_schema.tables
		where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`;
	const counts: Record<string, number> = {};
	for (const { name } of tables) {
		const [row] = await sql<{ count: string }[]>`select count(*)::text as count from ${sql(name)}`;
		counts[name] = Number(row!.count);
	}
	return counts;
}

/** Every file under `root`, relative to it, except the storage's own temp folder. */
async function* walk(root: string, relative = ''): AsyncGenerator<string> {
	let entries;
	try {
		entries = await fs.readdir(path.join(root, relative), { withFileTypes: true });
	} catch (error) {
		if ((error as { code?: string }).code === 'ENOENT') return;
		throw error;
	}
	entries.sort((a, b) => a.name.localeCompare(b.name));
	for (const entry of entries) {
		const child = relative ? `${relative}/${entry.name}` : entry.name;
		if (!relative && entry.name === '.tmp') continue;
		if (entry.isDirectory()) yield* walk(root, child);
		else if (entry.isFile()) yield child;
	}
}

function appVersion(): string {
	try {
		return (JSON.parse(readFileSync('package.json', 'utf8')) as { version?: string }).version ?? '';
	} catch {
		return '';
	}
}
