import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Database } from '../db/database.ts';
import { logger } from '../logging/logger.ts';

/**
 * The data folder's socket (DATA_DIR/backup.sock, mode 0600), for the embedded database. PGlite
 * admits one process per folder and has no lock of its own, so the socket is both:
 *
 * - the folder's lock: binding a Unix socket is atomic and fails while another process listens
 *   on it, so a server, a backup that reads a stopped server's folder and a restore never open
 *   the folder at the same time (one that was killed leaves a socket nobody answers on, which
 *   the next one replaces);
 * - the running server's door for `npm run backup`: `GET /database` answers the database's image
 *   (Database.image, a tar file) taken between two statements, with no pause for anyone.
 *
 * A socket in the data folder rather than an HTTP endpoint: nothing is reachable from the
 * network, there is no token to configure or leak, and whoever may connect is exactly whoever
 * may read the data folder, the people who could copy it anyway.
 */
export const BACKUP_SOCKET = 'backup.sock';

/** Unix sockets have a path of at most 107 bytes (Linux; 103 on macOS). */
const MAX_SOCKET_PATH = 103;

/**
 * DATA_DIR/backup.sock; for a data folder whose path is too long for that, a socket in the
 * system's temp folder named for the data folder (every side computes the same name).
 */
export function backupSocketPath(dataDir: string): string {
	const inFolder = path.join(path.resolve(dataDir), BACKUP_SOCKET);
	if (Buffer.byteLength(inFolder) <= MAX_SOCKET_PATH) return inFolder;
	const name = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16);
	return path.join(os.tmpdir(), `connectflow-backup-${name}.sock`);
}

export class FolderInUseError extends Error {
	override readonly name = 'FolderInUseError';
	readonly code = 'FOLDER_IN_USE';
}

/** What holds the folder; `serve` opens the door to its database. */
export interface DataFolderHold {
	path: string;
	/** From now on `GET /database` answers the database's image (before: 503, starting). */
	serve(database: Database): void;
	close(): Promise<void>;
}

export type Holder = 'server' | 'backup' | 'restore';

/** How long a starting server waits for a backup or restore that holds its folder. */
const WAIT_FOR_BACKUP_MS = 30 * 60_000;

/**
 * Takes the data folder's socket, or throws FolderInUseError while another process holds it. A
 * server (`holder` 'server') waits while a backup or a restore holds it, and fails at once for
 * another server. `holder` is told to whoever asks meanwhile.
 */
export async function holdDataFolder(dataDir: string, holder: Holder): Promise<DataFolderHold> {
	const started = Date.now();
	let told = false;
	for (;;) {
		try {
			return await tryHold(dataDir, holder);
		} catch (error) {
			if (!(error instanceof FolderInUseError) || holder !== 'server') throw error;
			const other = await holderOf(backupSocketPath(dataDir));
			if (other === 'server' || Date.now() - started > WAIT_FOR_BACKUP_MS) throw error;
			if (!told) {
				logger.warn({ holder: other }, `waiting for the ${other} that holds the data folder`);
				told = true;
			}
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
	}
}

async function tryHold(dataDir: string, holder: Holder): Promise<DataFolderHold> {
	const socketPath = backupSocketPath(dataDir);
	const log = logger.child({ module: 'backup' });
	let database: Database | null = null;
	const server = http.createServer((request, response) => {
		const answer = (status: number, body: unknown) => {
			response.writeHead(status, { 'content-type': 'application/json' });
			response.end(JSON.stringify(body));
		};
		if (request.method !== 'GET' || request.url !== '/database') {
			return answer(404, { error: { code: 'NOT_FOUND', message: 'No such path.' }, holder });
		}
		const image = database?.image;
		if (!image) {
			return answer(503, {
				error: {
					code: 'SERVICE_UNAVAILABLE',
					message: `The ${holder} is not serving its database yet.`
				},
				holder
			});
		}
		const started = Date.now();
		image().then(
			(bytes) => {
				log.info({ bytes: bytes.byteLength, ms: Date.now() - started }, 'database image taken');
				response.writeHead(200, {
					'content-type': 'application/x-tar',
					'content-length': String(bytes.byteLength)
				});
				response.end(bytes);
			},
			(error: unknown) => {
				log.error({ err: error }, 'database image failed');
				answer(500, { error: { code: 'INTERNAL', message: 'The database image failed.' } });
			}
		);
	});
	await fs.mkdir(path.dirname(socketPath), { recursive: true });
	for (let attempt = 0; ; attempt++) {
		try {
			await new Promise<void>((resolve, reject) => {
				server.once('error', reject);
				server.listen(socketPath, () => {
					server.off('error', reject);
					resolve();
				});
			});
			break;
		} catch (error) {
			if ((error as { code?: string }).code !== 'EADDRINUSE' || attempt > 0) {
				if ((error as { code?: string }).code === 'EADDRINUSE') throw inUse(dataDir);
				throw error;
			}
			if (await answers(socketPath)) throw inUse(dataDir);
			// Left by a process that was killed: nobody answers on it.
			await fs.rm(socketPath, { force: true });
		}
	}
	await fs.chmod(socketPath, 0o600);
	return {
		path: socketPath,
		serve(opened) {
			if (opened.kind === 'pglite') database = opened;
		},
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				// Node removes the socket file as it closes.
				server.close(() => resolve());
			})
	};
}

function inUse(dataDir: string): FolderInUseError {
	return new FolderInUseError(
		`The embedded database in ${dataDir} is in use by another process (a server, a backup or a ` +
			'restore); PGlite admits one at a time.'
	);
}

/** Who holds the folder: asked on its socket; null when nobody answers. */
function holderOf(socketPath: string): Promise<Holder | null> {
	return new Promise((resolve) => {
		const request = http.get({ socketPath, path: '/', agent: false }, (response) => {
			let body = '';
			response.on('data', (chunk: Buffer) => (body += chunk.toString()));
			response.on('end', () => {
				try {
					resolve((JSON.parse(body) as { holder?: Holder }).holder ?? null);
				} catch {
					resolve(null);
				}
			});
		});
		request.on('error', () => resolve(null));
	});
}

/** Whether a process listens on the socket. */
export function answers(socketPath: string): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = net.connect(socketPath);
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});
}
