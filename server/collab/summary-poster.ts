import type { AppContext } from '#server/app-context.ts';
import { logger } from '#server/logging/logger.ts';
import { summaryMessageId } from '#server/breakouts/summary-message.ts';
import { documentName } from '#shared/chat/document-schema.ts';
import { postOnce, type ServerPostParts } from './server-post.ts';
import { Wired } from '#shared/wired.ts';

const log = logger.child({ module: 'breakout-summary' });

/**
 * Posts a breakout room's summary into its parent channel: the writer the breakout service's
 * summary job awaits (`BreakoutService.writeSummariesWith`), in the process that runs the job and
 * serves the sockets. The job completes only once the summary is in the parent, so a process that
 * dies between saving a summary and posting it leaves the job to be retried, and the breakouts
 * sweep posts what is still missing. The server writes the message itself (`postOnce`: a server
 * change, stamped as accepted and recorded like any message). It is written under the room's creator (every message
 * has a person as its author: the app shows who opened the room), with an id derived from the
 * room's (summary-message.ts), so a second post finds it there and writes nothing.
 */
export class SummaryPoster extends Wired<ServerPostParts & { app: AppContext }>() {
	private off: (() => void) | null = null;
	/** Posts under way (several at once: rooms ending together post into many parents). */
	private readonly posting = new Set<Promise<void>>();

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
		const id = summaryMessageId(breakoutId);
		const outcome = await postOnce(
			this,
			{
				channelId: parent.id,
				shard: parent.headShard,
				document: documentName(parent.kind === 'dm' ? 'dm' : 'channel', parent.id, parent.headShard)
			},
			breakout.createdBy,
			{ id, text: breakout.summary }
		);
		if (outcome === 'written') {
			log.info({ breakoutId, parentId: parent.id, messageId: id }, 'summary posted');
		}
	}
}
