/**
 * Gathers the calls made in one turn of the event loop and runs them as one batch: a job kind
 * taken in batches (`batchSize`) calls its handler once per job, all in the same turn, and a
 * handler that adds to a TurnBatch has them worked on together (one transaction for the rooms
 * that end together, instead of one each). `work` answers each item in order: a result, or an
 * Error for that item alone; if it throws, every item of the batch fails (and is retried).
 */
export class TurnBatch<Item, Result> {
	readonly #work: (items: Item[]) => Promise<(Result | Error)[]>;
	#waiting: { item: Item; resolve: (result: Result) => void; reject: (error: unknown) => void }[] =
		[];

	constructor(work: (items: Item[]) => Promise<(Result | Error)[]>) {
		this.#work = work;
	}

	add(item: Item): Promise<Result> {
		if (this.#waiting.length === 0) setImmediate(() => void this.#run());
		return new Promise((resolve, reject) => this.#waiting.push({ item, resolve, reject }));
	}

	async #run(): Promise<void> {
		const batch = this.#waiting;
		this.#waiting = [];
		try {
			const results = await this.#work(batch.map(({ item }) => item));
			batch.forEach(({ resolve, reject }, i) => {
				const result = results[i];
				if (result instanceof Error) reject(result);
				else resolve(result as Result);
			});
		} catch (error) {
			for (const { reject } of batch) reject(error);
		}
	}
}
