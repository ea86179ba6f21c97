import { parentPort } from 'node:worker_threads';
import { runThisThreadInBackground } from './idle-policy.ts';
import type { ThreadAnswer } from './request-thread.ts';

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
		void (async () => {
			try {
				const answer: ThreadAnswer<Result> = { id, result: await work(request) };
				port.postMessage(answer);
			} catch (error) {
				const answer: ThreadAnswer<Result> = {
					id,
					error: error instanceof Error ? error.message : String(error)
				};
				port.postMessage(answer);
			}
		})();
	});
}
