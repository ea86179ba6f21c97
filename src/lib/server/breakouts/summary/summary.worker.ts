/**
 * The summary thread's entry (see summary-thread.ts). Node runs it as TypeScript (type
 * stripping): it imports only the summarizer's own plain modules.
 */
import os from 'node:os';
import { parentPort } from 'node:worker_threads';
import { summarizeExtractive } from './extractive.ts';
import type { BreakoutTranscript } from './types.ts';

// On Linux a thread has its own nice value: ranking takes the CPU only when the thread that
// serves the sockets does not want it.
try {
	os.setPriority(19);
} catch {
	// Not allowed here: it runs at the process's priority.
}

parentPort!.on('message', ({ id, transcript }: { id: number; transcript: BreakoutTranscript }) => {
	try {
		parentPort!.postMessage({ id, summary: summarizeExtractive(transcript) });
	} catch (error) {
		parentPort!.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
	}
});
