import type { DocumentRepository } from './document.repository.ts';
import { logger } from '../logging/logger.ts';

interface PendingAppend {
	name: string;
	update: Uint8Array;
	resolve: (seq: number) => void;
	reject: (error: unknown) => void;
}

/** The longest pause between two attempts while the database fails: what "back" costs at most. */
const RETRY_MAX_MS = 1_000;

/**
 * Appends document updates durably before they are acknowledged. Appends that arrive while a
 * write is in flight are gathered into the next single INSERT (group commit), so durability
 * costs one round trip per batch, not per message.
 *
 * Appends commit in the order they were made, or not at all. An update depends on those made
 * before it (the server's stamps on a document form one chain, and a client's update may build
 * on what was relayed to it), so an entry that committed before an earlier one failed would
 * leave a stored document waiting forever for content that is not stored. A batch that fails
 * therefore stays at the head of the queue and is tried again (backing off to RETRY_MAX_MS)
 * until it commits; nothing behind it, for any document, is written first. Only `abandon`
 * (shutdown) gives up what is still waiting.
 */
export class UpdateLog {
	readonly repository: DocumentRepository;
	private queue: PendingAppend[] = [];
	private writing = false;
	private abandoned: Error | null = null;
	private wakeRetry: (() => void) | null = null;

	constructor(repository: DocumentRepository) {
		this.repository = repository;
	}

	append(name: string, update: Uint8Array): Promise<number> {
		if (this.abandoned) return Promise.reject(this.abandoned);
		return new Promise((resolve, reject) => {
			this.queue.push({ name, update, resolve, reject });
			if (!this.writing) void this.flush();
		});
	}

	/** Appends made and not committed yet. */
	get waiting(): number {
		return this.queue.length;
	}

	/**
	 * Gives up every append not committed yet (shutdown past its deadline): they are rejected,
	 * and so is every later one. Their authors never got the stamps, so they send them again.
	 */
	abandon(reason = 'the update log was closed before this update was stored'): void {
		this.abandoned ??= new Error(reason);
		const given = this.queue.splice(0);
		for (const entry of given) entry.reject(this.abandoned);
		this.wakeRetry?.();
	}

	private async flush(): Promise<void> {
		this.writing = true;
		let failures = 0;
		while (this.queue.length > 0 && !this.abandoned) {
			const batch = this.queue.slice(0, 500);
			let seqs: number[];
			try {
				seqs = await this.repository.appendMany(batch);
			} catch (error) {
				if (this.abandoned) break;
				failures++;
				logger.warn(
					{ err: error, waiting: this.queue.length, attempt: failures },
					'appending to the update log failed; retrying in order'
				);
				await this.pause(Math.min(RETRY_MAX_MS, 50 * 2 ** failures));
				continue;
			}
			failures = 0;
			// `abandon` may have run meanwhile: the batch is committed all the same.
			if (this.queue[0] === batch[0]) this.queue.splice(0, batch.length);
			batch.forEach((entry, index) => entry.resolve(seqs[index]!));
		}
		this.writing = false;
	}

	private pause(ms: number): Promise<void> {
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				this.wakeRetry = null;
				resolve();
			}, ms);
			this.wakeRetry = () => {
				clearTimeout(timer);
				this.wakeRetry = null;
				resolve();
			};
		});
	}
}
