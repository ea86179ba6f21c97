/** What a request thread's or process's entry answers: its request's id, a result or an error. */
export interface ThreadAnswer<Result> {
	id: number;
	result?: Result;
	error?: string;
}

/**
 * The requests asked of a RequestThread or RequestProcess and not answered yet, by id: each
 * answer settles its own, and a thread or process that dies fails them all.
 */
export class PendingRequests<Result> {
	#next = 1;
	#answered = 0;
	readonly #waiting = new Map<
		number,
		{ resolve: (result: Result) => void; reject: (error: Error) => void }
	>();

	/** A new request: its id, to send with it, and its answer. */
	open(): { id: number; answer: Promise<Result> } {
		const id = this.#next++;
		const answer = new Promise<Result>((resolve, reject) => {
			this.#waiting.set(id, { resolve, reject });
		});
		return { id, answer };
	}

	/** Settles the request `answer` is for. */
	settle(answer: ThreadAnswer<Result>): void {
		const job = this.#waiting.get(answer.id);
		this.#waiting.delete(answer.id);
		this.#answered++;
		if (answer.error === undefined) job?.resolve(answer.result as Result);
		else job?.reject(new Error(answer.error));
	}

	/** Fails every request not answered yet. */
	failAll(error: Error): void {
		for (const { reject } of this.#waiting.values()) reject(error);
		this.#waiting.clear();
	}

	/** How many requests are asked and not answered yet. */
	get pending(): number {
		return this.#waiting.size;
	}

	/** How many requests were answered (with a result or an error). */
	get answered(): number {
		return this.#answered;
	}
}

/** Runs `work` on a request and makes its answer: the result, or the error's message. */
export async function answerOf<Request, Result>(
	id: number,
	request: Request,
	work: ((request: Request) => Result | Promise<Result>) | null
): Promise<ThreadAnswer<Result>> {
	try {
		if (!work) throw new Error('The request came before the work was started.');
		return { id, result: await work(request) };
	} catch (error) {
		return { id, error: error instanceof Error ? error.message : String(error) };
	}
}
