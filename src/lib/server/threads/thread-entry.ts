import os from 'node:os';
import { parentPort } from 'node:worker_threads';
import { idlePolicyForThisThread } from './idle-policy.ts';
import type { ThreadAnswer } from './request-thread.ts';

/**
 * The entry side of a RequestThread: lowers this thread's priority, then answers each request
 * with `work`'s result, or with its error's message. Requests are worked on as they come; the
 * caller decides how many it has in flight.
 */
export function serveRequests<Request, Result>(
	work: (request: Request) => Result | Promise<Result>
): void {
	// On Linux a thread has its own nice value and policy: the work takes the CPU only when the
	// thread that serves the sockets does not want it (idle-policy.ts says why both).
	try {
		os.setPriority(19);
	} catch {
		// Not allowed here: it runs at the process's priority.
	}
	idlePolicyForThisThread();
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
