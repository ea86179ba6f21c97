import type { Hocuspocus } from '@hocuspocus/server';
import type { AppContext } from '#server/app-context.ts';
import { purgeMessages } from '#shared/chat/document-schema.ts';
import type { CollabContext } from './context.ts';
import type { DocumentLog } from './document-log.ts';
import type { StampQueue } from './stamp-queue.ts';

/**
 * The document side of a retention run (src/lib/server/retention/), in the process that runs
 * the job and serves the sockets. Each document is opened through a direct connection (loaded
 * if it was not), the messages are deleted as a server change (`StampQueue.write`: logged, then
 * applied to the live copy and so sent to every open connection, and through Redis to the other
 * processes), with the document's retention mark; then the document is compacted at once. The
 * live document has garbage collection, so its new encoding holds no deleted value, and the
 * compaction replaces the stored state and drops every log entry the live copy holds: the
 * deleted text is in neither any more. Browsers that were away get the deletion on their next
 * sync and, seeing the mark, rewrite their local copies.
 */
export class RetentionPurger {
	readonly app: AppContext;
	readonly hocuspocus: Hocuspocus<CollabContext>;
	readonly stamps: StampQueue;
	readonly log: DocumentLog;
	private off: (() => void) | null = null;

	constructor(deps: {
		app: AppContext;
		hocuspocus: Hocuspocus<CollabContext>;
		stamps: StampQueue;
		log: DocumentLog;
	}) {
		this.app = deps.app;
		this.hocuspocus = deps.hocuspocus;
		this.stamps = deps.stamps;
		this.log = deps.log;
	}

	start(): void {
		this.off = this.app.retention.purgeDocumentsWith((name, refs, at) =>
			this.purge(name, refs, at)
		);
	}

	close(): void {
		this.off?.();
		this.off = null;
	}

	async purge(name: string, refs: Parameters<typeof purgeMessages>[1], at: number): Promise<void> {
		const direct = await this.hocuspocus.openDirectConnection(name);
		try {
			const document = direct.document;
			if (!document) return;
			await this.stamps.write(document, (doc) => {
				purgeMessages(doc, refs, at);
			});
			await this.log.compactNow(document);
		} finally {
			await direct.disconnect();
		}
	}
}
