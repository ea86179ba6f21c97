import { RequestThread } from '../../threads/request-thread.ts';
import type { BreakoutSummary, BreakoutTranscript } from './types.ts';

/**
 * The built-in summarizer on a worker thread of its own (summary.worker.ts), so that ranking a
 * long room (TextRank is quadratic in sentences) never holds up the sockets: rooms are
 * summarized one after the other, in the order asked. The thread starts at the first summary
 * and lets the process exit while it has nothing to do; a thread that dies fails the summaries
 * it held, and the next one starts a new thread (RequestThread).
 */
export class SummaryThread {
	readonly #thread = new RequestThread<BreakoutTranscript, BreakoutSummary>(
		new URL('./summary.worker.ts', import.meta.url),
		{ name: 'summary' }
	);

	summarize(transcript: BreakoutTranscript): Promise<BreakoutSummary> {
		return this.#thread.ask(transcript);
	}

	/** How many summaries are asked and not answered yet. */
	get pending(): number {
		return this.#thread.pending;
	}

	close(): Promise<void> {
		return this.#thread.close();
	}
}
