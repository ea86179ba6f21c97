import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import postgres from 'postgres';
import type { AppConfig } from '../config.ts';
import { startPgliteThread } from '../db/pglite-thread.ts';
import { generatedKeyPath, parseFilesKey } from '../storage/file-encryption.ts';
import { readArchive } from './archive.ts';
import {
	BackupError,
	FILES_PREFIX,
	KEY_ENTRY,
	MANIFEST_ENTRY,
	MANIFEST_FORMAT,
	MANIFEST_VERSION,
	PGLITE_ENTRY,
	POSTGRES_ENTRY,
	type BackupManifest
} from './backup.ts';
import { FolderInUseError, holdDataFolder, type DataFolderHold } from './backup-socket.ts';

const run = promisify(execFile);

export interface RestoreOptions {
	/**
	 * Restore over what is there: an existing embedded database, files folder or key are moved
	 * aside (to `<name>.before-restore-<time>`, never deleted); a Postgres database is cleaned
	 * by pg_restore (--clean --if-exists).
	 */
	force?: boolean;
}

export interface RestoreResult {
	manifest: BackupManifest;
	/** What was moved aside to make room. */
	movedAside: string[];
}

/**
 * `npm run restore`: puts an archive of `takeBackup` back where `config` points (DATA_DIR, or
 * DATABASE_URL), with the server stopped. The archive is first unpacked into a staging folder
 * inside the data folder and checked (its manifest, the kind of database, the files key), so a
 * damaged or unsuitable archive changes nothing; then each part is put in place.
 */
export async function restoreBackup(
	config: AppConfig,
	archiveFile: string,
	options: RestoreOptions = {}
): Promise<RestoreResult> {
	await fs.mkdir(config.dataDir, { recursive: true });
	// The embedded database's folder is the restore's alone meanwhile: no server may start on it.
	let hold: DataFolderHold | null = null;
	if (!config.DATABASE_URL) {
		try {
			hold = await holdDataFolder(config.dataDir, 'restore');
		} catch (error) {
			if (!(error instanceof FolderInUseError)) throw error;
			throw new BackupError(
				'SERVER_RUNNING',
				`A server (or a backup) is running on ${config.dataDir}: stop it before restoring.`
			);
		}
	}
	const staging = path.join(config.dataDir, `.restore-${randomUUID()}`);
	await fs.mkdir(staging, { mode: 0o700 });
	const movedAside: string[] = [];
	const stamp = new Date().toISOString().replace(/[:.]/g, '-');
	const makeRoom = async (target: string, what: string) => {
		if (!(await holdsSomething(target))) {
			await fs.rm(target, { recursive: true, force: true });
			return;
		}
		if (!options.force) {
			throw new BackupError(
				'TARGET_NOT_EMPTY',
				`${target} already holds ${what}. Restore into an empty DATA_DIR, or pass --force ` +
					'to move it aside first.'
			);
		}
		const aside = `${target}.before-restore-${stamp}`;
		await fs.rename(target, aside);
		movedAside.push(aside);
	};
	try {
		const manifest = await unpack(archiveFile, staging);
		checkManifest(manifest, config);
		const stagedKey = path.join(staging, 'files.key');

		// The key first: without the right one, restored files would not read.
		const keyFile = generatedKeyPath(config.dataDir);
		const wanted = manifest.encryption.keyId;
		if (wanted && manifest.files.included && manifest.files.count > 0) {
			if (config.FILES_ENCRYPTION_KEY) {
				const configured = parseFilesKey(config.FILES_ENCRYPTION_KEY).id;
				if (configured !== wanted) {
					throw new BackupError(
						'KEY_MISMATCH',
						`The archive's files were encrypted with key ${wanted}; FILES_ENCRYPTION_KEY is ` +
							`key ${configured}. Set FILES_ENCRYPTION_KEY to the key the backed-up server had.`
					);
				}
			} else if (existsSync(stagedKey)) {
				const present = existsSync(keyFile)
					? parseFilesKey(await fs.readFile(keyFile, 'utf8')).id
					: null;
				if (present !== wanted) {
					if (present) await makeRoom(keyFile, 'another files key');
					await fs.copyFile(stagedKey, keyFile);
					await fs.chmod(keyFile, 0o600);
				}
			} else {
				const present = existsSync(keyFile)
					? parseFilesKey(await fs.readFile(keyFile, 'utf8')).id
					: null;
				if (present !== wanted) {
					throw new BackupError(
						'KEY_MISSING',
						`The archive's files were encrypted with key ${wanted}, which was set in ` +
							'FILES_ENCRYPTION_KEY and is not in the archive: set it again before restoring.'
					);
				}
			}
		}

		if (manifest.database.kind === 'pglite') {
			await makeRoom(config.pgliteDir, 'an embedded database');
			const image = await fs.readFile(path.join(staging, 'database'));
			// PGlite starts a new folder as the image, recovers it as after a crash, and writes it out.
			const thread = await startPgliteThread(config.pgliteDir, image);
			await thread.stop();
		} else {
			await restorePostgres(config.DATABASE_URL!, path.join(staging, 'database'), options);
		}

		if (manifest.files.included) {
			await makeRoom(config.filesDir, 'files');
			const stagedFiles = path.join(staging, 'files');
			if (existsSync(stagedFiles)) await fs.rename(stagedFiles, config.filesDir);
		}
		return { manifest, movedAside };
	} finally {
		await fs.rm(staging, { recursive: true, force: true });
		await hold?.close();
	}
}

/** Unpacks the archive into `staging`: the database, the files, the key; returns the manifest. */
async function unpack(archiveFile: string, staging: string): Promise<BackupManifest> {
	let manifest: BackupManifest | null = null;
	try {
		for await (const entry of readArchive(archiveFile)) {
			let target: string | null = null;
			if (entry.name === MANIFEST_ENTRY) {
				const chunks: Buffer[] = [];
				for await (const chunk of entry.stream) chunks.push(chunk as Buffer);
				manifest = JSON.parse(Buffer.concat(chunks).toString('utf8')) as BackupManifest;
				continue;
			}
			if (entry.name === PGLITE_ENTRY || entry.name === POSTGRES_ENTRY) {
				target = path.join(staging, 'database');
			} else if (entry.name === KEY_ENTRY) {
				target = path.join(staging, 'files.key');
			} else if (entry.name.startsWith(FILES_PREFIX)) {
				target = safeJoin(path.join(staging, 'files'), entry.name.slice(FILES_PREFIX.length));
			}
			if (!target) {
				entry.stream.resume();
				continue;
			}
			await fs.mkdir(path.dirname(target), { recursive: true });
			await pipeline(entry.stream, createWriteStream(target, { mode: 0o600 }));
		}
	} catch (error) {
		if (error instanceof BackupError) throw error;
		throw new BackupError(
			'ARCHIVE_DAMAGED',
			`${archiveFile} is not a readable backup: ${(error as Error).message}`
		);
	}
	if (!manifest) {
		throw new BackupError('ARCHIVE_DAMAGED', `${archiveFile} has no manifest: it is cut short.`);
	}
	return manifest;
}

function checkManifest(manifest: BackupManifest, config: AppConfig): void {
	if (manifest.format !== MANIFEST_FORMAT || typeof manifest.version !== 'number') {
		throw new BackupError('ARCHIVE_DAMAGED', 'The archive is not a ConnectFlow backup.');
	}
	if (manifest.version > MANIFEST_VERSION) {
		throw new BackupError(
			'ARCHIVE_TOO_NEW',
			`The archive is of backup format ${manifest.version}; this version reads up to ${MANIFEST_VERSION}.`
		);
	}
	const kind = config.DATABASE_URL ? 'postgres' : 'pglite';
	if (manifest.database.kind !== kind) {
		throw new BackupError(
			'DATABASE_KIND_MISMATCH',
			manifest.database.kind === 'pglite'
				? 'The archive holds an embedded (PGlite) database: unset DATABASE_URL to restore it into DATA_DIR.'
				: 'The archive holds a Postgres dump: set DATABASE_URL to the (empty) database to restore it into.'
		);
	}
	if (manifest.files.included && config.S3_ENDPOINT) {
		throw new BackupError(
			'STORAGE_KIND_MISMATCH',
			'The archive holds a local files folder, but S3_ENDPOINT is set: unset it to restore the ' +
				'files into DATA_DIR/files (or copy them into the bucket yourself).'
		);
	}
}

async function restorePostgres(url: string, dump: string, options: RestoreOptions): Promise<void> {
	const sql = postgres(url, { max: 1, onnotice: () => {} });
	let tables: number;
	try {
		const [row] = await sql<{ count: number }[]>`
			select count(*)::int as count from information_schema.tables
			where table_schema not in ('pg_catalog', 'information_schema')`;
		tables = row!.count;
	} finally {
		await sql.end({ timeout: 5 });
	}
	if (tables > 0 && !options.force) {
		throw new BackupError(
			'TARGET_NOT_EMPTY',
			'The database at DATABASE_URL already holds tables. Restore into an empty database, or ' +
				'pass --force to replace what the archive holds (pg_restore --clean).'
		);
	}
	const args = ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction'];
	if (tables > 0) args.push('--clean', '--if-exists');
	try {
		await run('pg_restore', [...args, `--dbname=${url}`, dump], { maxBuffer: 16 * 1024 * 1024 });
	} catch (error) {
		throw new BackupError(
			'PG_RESTORE_FAILED',
			`pg_restore failed: ${(error as { stderr?: string }).stderr || String(error)}`
		);
	}
}

/** `relative` under `root`, refusing anything that would leave it (`..`, absolute paths). */
function safeJoin(root: string, relative: string): string {
	const full = path.resolve(root, relative);
	if (!relative || !full.startsWith(root + path.sep)) {
		throw new BackupError(
			'ARCHIVE_DAMAGED',
			`The archive names a path outside its files: ${relative}`
		);
	}
	return full;
}

async function holdsSomething(target: string): Promise<boolean> {
	try {
		const info = await fs.stat(target);
		if (!info.isDirectory()) return true;
		return (await fs.readdir(target)).length > 0;
	} catch (error) {
		if ((error as { code?: string }).code === 'ENOENT') return false;
		throw error;
	}
}
