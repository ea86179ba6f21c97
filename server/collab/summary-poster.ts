import type { Hocuspocus } from '@hocuspocus/server';
import type { AppContext } from '#server/app-context.ts';
import type { MessageRecordService } from '#server/messages/message-record.service.ts';
import { logger } from '#server/logging/logger.ts';
import { summaryMessageId } from '#server/breakouts/summary-message.ts';
import {
	documentName,
	getMessage,
	markAccepted,
	postMessage,
	type MessageValue
} from '#shared/chat/document-schema.ts';
import type { CollabContext } from './context.ts';
import type { StampQueue } from './stamp-queue.ts';

const log = logger.child({ module: 'breakout-summary' });

/**
 * Posts a breakout room's summary into its parent channel: the writer the breakout service's
 * summary job awaits (`BreakoutService.writeSummariesWith`), in the process that runs the job and
 * serves the sockets. The job completes only once the summary is in the parent, so a process that
 * dies between saving a summary and posting it leaves the job to be retried, and the breakouts
 * sweep posts what is still missing. The server writes the message itself, as a server change
 * (`StampQueue.write`: logged first, then applied and sent to every open connection), stamped as
 * accepted and recorded like any message. It is written under the room's creator (every message
 * has a person as its author: the app shows who opened the room), with an id derived from the
 * room's (summary-message.ts), so a second post finds it there and writes nothing.
 */
export class SummaryPoster {
	readonly app: AppContext;
	readonly hocuspocus: Hocuspocus<CollabContext>;
	readonly stamps: StampQueue;
	readonly record: MessageRecordService;
	private off: (() => void) | null = null;
	/** Posts under way (several at once: rooms ending together post into many parents). */
	private readonly posting = new Set<Promise<void>>();

	constructor(deps: {
		app: AppContext;
		hocuspocus: Hocuspocus<CollabContext>;
		stamps: StampQueue;
		record: MessageRecordService;
	}) {
		this.app = deps.app;
		this.hocuspocus = deps.hocuspocus;
		this.stamps = deps.stamps;
		this.record = deps.record;
	}

	start(): void {
		this.off = this.app.breakouts.writeSummariesWith((breakoutId) => {
			// The caller (the job) learns whether its post failed. Two posts of one summary at once
			// are safe: the parent's stamp queue runs their writes in turn, and the second finds it.
			const post = this.post(breakoutId);
			const tracked = post.catch((error: unknown) =>
				log.error({ err: error, breakoutId }, 'summary not posted')
			);
			this.posting.add(tracked);
			void tracked.finally(() => this.posting.delete(tracked));
			return post;
		});
	}

	/** Waits for the posts started so far (tests, shutdown). */
	async idle(): Promise<void> {
		await Promise.all([...this.posting]);
	}

	close(): Promise<void> {
		this.off?.();
		this.off = null;
		return this.idle();
	}

	/**
	 * Writes the room's summary into the parent's head shard, once, and records it (again when it
	 * was written before a crash but not recorded: the record is what says it was posted).
	 */
	async post(breakoutId: string): Promise<void> {
		const breakout = await this.app.breakouts.breakouts.find(breakoutId);
		if (!breakout?.summary || !breakout.createdBy) return;
		const parent = await this.app.channels.channels.find(breakout.parentId);
		if (!parent) return;
		const authorId = breakout.createdBy;
		const id = summaryMessageId(breakoutId);
		const name = documentName(parent.kind === 'dm' ? 'dm' : 'channel', parent.id, parent.headShard);
		const direct = await this.hocuspocus.openDirectConnection(name);
		try {
			const document = direct.document;
			if (!document) return;
			const now = Date.now();
			const outcome: { written?: MessageValue; found?: MessageValue } = {};
			await this.stamps.write(document, (doc) => {
				const found = getMessage(doc, authorId, id);
				if (found) {
					outcome.found = found;
					return;
				}
				outcome.written = postMessage(doc, authorId, { id, text: breakout.summary!, now });
				markAccepted(doc, authorId, id, now);
			});
			const value = outcome.written ?? outcome.found;
			if (!value) return;
			await this.record.recordMessage(parent.id, parent.headShard, authorId, {
				value,
				acceptedAt: outcome.written ? now : value.createdAt
			});
			if (outcome.written)
				log.info({ breakoutId, parentId: parent.id, messageId: id }, 'summary posted');
		} finally {
			await direct.disconnect();
		}
	}
}
