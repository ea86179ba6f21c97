import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * The embedded database on a thread of its own: PGlite (Postgres compiled to WebAssembly) and
 * the pglite-socket server that speaks the wire protocol for it, in a worker thread. On the
 * main thread its WebAssembly would run on the event loop that also serves every WebSocket, so
 * each query would hold up delivery; here it runs on another core while the main thread waits
 * for the answer on a loopback socket, as it does for real Postgres.
 */
export interface PgliteThread {
	host: string;
	port: number;
	/** The data folder as an image (a tar file) another database can start from. */
	image(): Promise<Uint8Array>;
	stop(): Promise<void>;
}

type ThreadMessage =
	| { type: 'ready'; host: string; port: number }
	| { type: 'stopped' }
	| { type: 'image'; image: ArrayBuffer }
	| { type: 'failed'; error: string };

/**
 * Plain CommonJS, run as the worker's source: it must load without a build step both under
 * Vite (dev, tests) and from the built app, so it carries no imports of its own; the packages'
 * absolute paths come in `workerData`, resolved from this module.
 */
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite } = require(workerData.pglite);
const { PGLiteSocketServer } = require(workerData.socket);
(async () => {
	const image = workerData.image ? { loadDataDir: new Blob([workerData.image]) } : {};
	const settings = workerData.settings.flatMap((setting) => ['-c', setting]);
	const db = await PGlite.create(workerData.dir ?? undefined, {
		...image,
		startParams: [...PGlite.defaultStartParams, ...settings]
	});
	const server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1' });
	await server.start();
	const [host, port] = server.getServerConn().split(':');
	parentPort.on('message', async (message) => {
		if (message === 'image') {
			const dump = await (await db.dumpDataDir('none')).arrayBuffer();
			parentPort.postMessage({ type: 'image', image: dump }, [dump]);
		} else if (message === 'stop') {
			await server.stop();
			await db.close();
			parentPort.postMessage({ type: 'stopped' });
		}
	});
	parentPort.postMessage({ type: 'ready', host, port: Number(port) });
})().catch((error) => parentPort.postMessage({ type: 'failed', error: String(error && error.stack || error) }));
`;

/**
 * The embedded database's memory (docs/ARCHITECTURE.md, "Server memory"). Postgres inside
 * PGlite lives in one WebAssembly memory that grows and never shrinks, so every buffer it ever
 * touches stays resident for the life of the process. Postgres's defaults are sized for a
 * database server of its own: 128 MB of shared buffers (all touched at start), 64 MB for
 * maintenance (vacuum, index builds), 8 MB of temporary buffers. Here the operating system's page
 * cache already holds the data files, and a shared buffer miss costs one read from it.
 */
export interface PgliteMemory {
	/** Postgres's `shared_buffers`: its own cache of table and index pages. */
	sharedBuffers: string;
	/** `work_mem`: each sort or hash of a query, before it spills to a temporary file. */
	workMem: string;
	/** `maintenance_work_mem`: vacuum and index builds. */
	maintenanceWorkMem: string;
	/** `temp_buffers`: temporary tables. */
	tempBuffers: string;
	/**
	 * Young generation of the thread's own JavaScript heap (the wire protocol's buffers): V8
	 * would grow it to 64 MB per semi-space under a steady stream of queries.
	 */
	youngGenerationMb: number;
}

export const DEFAULT_PGLITE_MEMORY: PgliteMemory = {
	sharedBuffers: '16MB',
	workMem: '4MB',
	maintenanceWorkMem: '16MB',
	tempBuffers: '2MB',
	youngGenerationMb: 8
};

/**
 * Starts PGlite on a worker thread; `dir` null keeps the database in memory. With `image` (what
 * `image()` gave) the database starts as that one was instead of empty: this skips initdb, most
 * of an embedded database's start-up.
 */
export async function startPgliteThread(
	dir: string | null,
	image?: Uint8Array,
	memory: PgliteMemory = DEFAULT_PGLITE_MEMORY
): Promise<PgliteThread> {
	const require = createRequire(import.meta.url);
	const worker = new Worker(THREAD_SOURCE, {
		eval: true,
		resourceLimits: { maxYoungGenerationSizeMb: memory.youngGenerationMb },
		workerData: {
			dir,
			image,
			settings: [
				`shared_buffers=${memory.sharedBuffers}`,
				`work_mem=${memory.workMem}`,
				`maintenance_work_mem=${memory.maintenanceWorkMem}`,
				`temp_buffers=${memory.tempBuffers}`
			],
			pglite: require.resolve('@electric-sql/pglite'),
			socket: require.resolve('@electric-sql/pglite-socket')
		}
	});
	const next = () =>
		new Promise<ThreadMessage>((resolve, reject) => {
			const onMessage = (message: ThreadMessage) => {
				worker.off('error', onError);
				resolve(message);
			};
			const onError = (error: Error) => {
				worker.off('message', onMessage);
				reject(error);
			};
			worker.once('message', onMessage);
			worker.once('error', onError);
		});
	const started = await next();
	if (started.type !== 'ready') {
		await worker.terminate();
		throw new Error(
			`the embedded database did not start: ${'error' in started ? started.error : ''}`
		);
	}
	// The open socket to it keeps the process alive while the database is in use.
	worker.unref();
	return {
		host: started.host,
		port: started.port,
		async image() {
			const answer = next();
			worker.postMessage('image');
			const dumped = await answer;
			if (dumped.type !== 'image') throw new Error('the embedded database gave no image');
			return new Uint8Array(dumped.image);
		},
		async stop() {
			const stopped = next();
			worker.postMessage('stop');
			await stopped;
			await worker.terminate();
		}
	};
}
