import type { HocuspocusProvider } from '@hocuspocus/provider';
import {
	parseFeedMessage,
	readFeedEvent,
	type FeedEvent,
	type FeedRequest
} from '$lib/shared/feed/feed-event.ts';

export interface FeedHandlers {
	/** An event of a kind this version knows, once, in order. */
	event(event: FeedEvent): void;
	/** What was missed is no longer kept: read everything again. */
	reset(): void;
}

/**
 * This tab's end of the person's feed (src/lib/shared/feed/feed-event.ts): after every
 * (re)connection it tells the server the last seq it applied, and applies what comes, each
 * event once and in order (a seq at or below the last one is skipped). Unknown kinds advance the
 * seq and are otherwise ignored. What the events do to the screen is the handlers' business.
 */
export class PersonFeed {
	/** The last seq applied: where the feed resumes after a reconnection. */
	lastSeq = $state(0);
	private unfollow: (() => void) | null = null;

	/** `after`: the seq the data on screen was read at (the page's load). */
	constructor(after: number) {
		this.lastSeq = after;
	}

	/** Follows the feed document on `provider`; returns the function that stops it. */
	follow(provider: HocuspocusProvider, handlers: FeedHandlers): () => void {
		this.unfollow?.();
		const onStateless = ({ payload }: { payload: string }) => this.receive(payload, handlers);
		const onSynced = () => {
			const request: FeedRequest = { after: this.lastSeq };
			provider.sendStateless(JSON.stringify(request));
		};
		provider.on('stateless', onStateless);
		provider.on('synced', onSynced);
		// Nothing travels in awareness here: the server drops it.
		provider.awareness?.setLocalState(null);
		if (provider.synced) onSynced();
		this.unfollow = () => {
			provider.off('stateless', onStateless);
			provider.off('synced', onSynced);
			this.unfollow = null;
		};
		return this.unfollow;
	}

	/** Applies a message from the server. */
	receive(payload: string, handlers: FeedHandlers): void {
		const message = parseFeedMessage(payload);
		if (!message) return;
		if (message.type === 'reset') {
			this.lastSeq = message.seq;
			handlers.reset();
			return;
		}
		for (const envelope of message.events) {
			if (envelope.seq <= this.lastSeq) continue;
			this.lastSeq = envelope.seq;
			const event = readFeedEvent(envelope);
			if (event) handlers.event(event);
		}
	}

	destroy(): void {
		this.unfollow?.();
	}
}
