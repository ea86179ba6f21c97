import type { DocumentRepository } from './document.repository.ts';

interface PendingAppend {
	name: string;
	update: Uint8Array;
	resolve: (seq: number) => void;
	reject: (error: unknown) => void;
}

/**
 * Appends document updates durably before they are acknowledged. Appends that arrive while a
 * write is in flight are gathered into the next single INSERT (group commit), so durability
 * costs one round trip per batch, not per message.
 */
export class UpdateLog {
	readonly repository: DocumentRepository;
	private queue: PendingAppend[] = [];
	private writing = false;

	constructor(repository: DocumentRepository) {
		this.repository = repository;
	}

	append(name: string, update: Uint8Array): Promise<number> {
		return new Promise((resolve, reject) => {
			this.queue.push({ name, update, resolve, reject });
			if (!this.writing) void this.flush();
		});
	}

	private async flush(): Promise<void> {
		this.writing = true;
		while (this.queue.length > 0) {
			const batch = this.queue.splice(0, 500);
			try {
				const seqs = await this.repository.appendMany(batch);
				batch.forEach((entry, index) => entry.resolve(seqs[index]!));
			} catch (error) {
				batch.forEach((entry) => entry.reject(error));
			}
		}
		this.writing = false;
	}
}
