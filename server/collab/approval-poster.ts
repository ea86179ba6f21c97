import type { AppContext } from '#server/app-context.ts';
import type { AnnouncementWriter } from '#server/approvals/approval.service.ts';
import { documentName } from '#shared/chat/document-schema.ts';
import { Wired } from '#shared/wired.ts';
import { postOnce, type ServerPostParts } from './server-post.ts';

/**
 * Publishes an approved announcement into the announcements channel's head shard: the writer the
 * approvals module's publish job awaits (`ApprovalService.publishWith`), registered by the
 * process that serves the documents. As the breakout summary poster does, the server writes the
 * message itself (`postOnce`), under the person who asked (it is their words), with an id derived
 * from the request's, so a second run finds it there and writes nothing.
 */
export class ApprovalPoster extends Wired<ServerPostParts & { app: AppContext }>() {
	private off: (() => void) | null = null;

	start(): void {
		this.off = this.app.approvals.publishWith(this.post);
	}

	close(): void {
		this.off?.();
		this.off = null;
	}

	readonly post: AnnouncementWriter = async ({ messageId, channelId, authorId, text }) => {
		const channel = await this.app.channels.channels.find(channelId);
		if (!channel) return;
		const name = documentName('channel', channel.id, channel.headShard);
		const outcome = await postOnce(
			this,
			{ channelId: channel.id, shard: channel.headShard, document: name },
			authorId,
			{ id: messageId, text }
		);
		if (outcome === 'not-open') throw new Error(`The document ${name} did not open`);
	};
}
