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
	const db = await PGlite.create(workerData.dir ?? undefined, image);
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
 * Starts PGlite on a worker thread; `dir` null keeps the database in memory. With `image` (what
 * `image()` gave) the database starts as that one was instead of empty: this skips initdb, most
 * of an embedded database's start-up.
 */
export async function startPgliteThread(
	dir: string | null,
	image?: Uint8Array
): Promise<PgliteThread> {
	const require = createRequire(import.meta.url);
	const worker = new Worker(THREAD_SOURCE, {
		eval: true,
		workerData: {
			dir,
			image,
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
