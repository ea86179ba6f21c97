import { createHash } from 'node:crypto';
import type { Hocuspocus } from '@hocuspocus/server';
import type { AppContext } from '#server/app-context.ts';
import type { MessageRecordService } from '#server/messages/message-record.service.ts';
import { logger } from '#server/logging/logger.ts';
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
 * Posts a breakout room's summary into its parent channel once it is made (the domain event
 * `breakout.summarized`, emitted in the process that ran the summary job, which serves the
 * sockets too). The server writes the message itself, as a server change (`StampQueue.write`:
 * logged first, then applied and sent to every open connection), stamped as accepted and
 * recorded like any message. It is written under the room's creator (every message has a
 * person as its author: the app shows who opened the room), with an id derived from the room's,
 * so a second post of the same summary finds it there and writes nothing.
 */
export class SummaryPoster {
	readonly app: AppContext;
	readonly hocuspocus: Hocuspocus<CollabContext>;
	readonly stamps: StampQueue;
	readonly record: MessageRecordService;
	private off: (() => void) | null = null;
	private work: Promise<void> = Promise.resolve();

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
		this.off = this.app.events.on('breakout.summarized', ({ breakoutId }) => {
			this.work = this.work
				.then(() => this.post(breakoutId))
				.catch((error: unknown) => log.error({ err: error, breakoutId }, 'summary not posted'));
		});
	}

	/** Waits for the posts started so far (tests, shutdown). */
	idle(): Promise<void> {
		return this.work;
	}

	close(): Promise<void> {
		this.off?.();
		this.off = null;
		return this.work;
	}

	/** Writes the room's summary into the parent's head shard, once. */
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
			let written: MessageValue | null = null;
			await this.stamps.write(document, (doc) => {
				if (getMessage(doc, authorId, id)) return;
				written = postMessage(doc, authorId, { id, text: breakout.summary!, now });
				markAccepted(doc, authorId, id, now);
			});
			if (written) {
				await this.record.recordMessage(parent.id, parent.headShard, authorId, {
					value: written,
					acceptedAt: now
				});
				log.info({ breakoutId, parentId: parent.id, messageId: id }, 'summary posted');
			}
		} finally {
			await direct.disconnect();
		}
	}
}

/** The summary message's id: a UUID-shaped hash of the room's id, the same in every process. */
export function summaryMessageId(breakoutId: string): string {
	const hex = createHash('sha256').update(`breakout-summary:${breakoutId}`).digest('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
