import module from 'node:module';
import { parentPort } from 'node:worker_threads';
import { lowerThisThreadsNice, runThisThreadInBackground } from './idle-policy.ts';
import { answerOf } from './pending-requests.ts';

/**
 * The entry side of a RequestThread: lowers this thread's priority, then answers each request
 * with `work`'s result, or with its error's message. Requests are worked on as they come; the
 * caller decides how many it has in flight.
 */
export function serveRequests<Request, Result>(
	work: (request: Request) => Result | Promise<Result>
): void {
	runThisThreadInBackground();
	const port = parentPort;
	if (!port) throw new Error('serveRequests runs on a worker thread.');
	port.on('message', ({ id, request }: { id: number; request: Request }) => {
		void answerOf(id, request, work).then((answer) => port.postMessage(answer));
	});
}

/**
 * The entry side of a RequestProcess: lowers this process's priority (the launcher put it under
 * SCHED_IDLE), takes its first message as `init` and makes the work of it, then answers each
 * request as serveRequests does. It exits when the server closes the channel or goes away.
 * Started with `--warm-compile-cache` it only writes the compile cache of its modules (loaded
 * by then) and exits (server/compile-cache.ts).
 */
export function serveProcessRequests<Init, Request, Result>(
	start: (init: Init) => (request: Request) => Result | Promise<Result>
): void {
	if (process.argv.includes('--warm-compile-cache')) {
		module.flushCompileCache();
		process.exit(0);
	}
	if (!process.send) throw new Error('serveProcessRequests runs in a process with an IPC channel.');
	lowerThisThreadsNice();
	process.on('disconnect', () => process.exit(0));
	let work: ((request: Request) => Result | Promise<Result>) | null = null;
	process.on('message', (message: { init: Init } | { id: number; request: Request }) => {
		if ('init' in message) {
			work = start(message.init);
			return;
		}
		const { id, request } = message;
		void answerOf(id, request, work).then((answer) => process.send!(answer));
	});
}
