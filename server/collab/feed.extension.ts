import type {
	Connection,
	connectedPayload,
	Extension,
	onStatelessPayload
} from '@hocuspocus/server';
import type { DomainEvents } from '#server/events.ts';
import { FEED_PAGE, type FeedService } from '#server/feed/feed.service.ts';
import { parseFeedRequest, type FeedEnvelope, type FeedMessage } from '#shared/feed/feed-event.ts';
import { closeReason } from '#shared/collab/close-reasons.ts';
import { logger } from '#server/logging/logger.ts';
import type { CollabContext } from './context.ts';

/** One open feed on this process, and how far it has been sent. */
interface FeedTab {
	userId: string;
	/** The last seq sent (or asked from); null until the client said where it stands. */
	sent: number | null;
}

/**
 * Serves each person's feed (`feed.<userId>`, src/lib/shared/feed/feed-event.ts) to their
 * connections on this process. After every (re)connection the client says the last seq it
 * applied; the server answers with what came after it (or "reset" when that is no longer kept),
 * and from then on sends whatever `feed.appended` announces (emitted by the process that made
 * the change, relayed here through Redis when scaled out).
 *
 * One pump per process does all the sending, so sends to a connection never overlap and each
 * continues from the last seq sent: nothing goes twice, nothing is passed over. The people a
 * burst of changes concerns are read in one query, however many they are.
 */
export class FeedExtension implements Extension {
	readonly extensionName = 'connectflow-feed';
	readonly priority = 650;
	readonly feed: FeedService;
	private readonly tabs = new Map<string, Map<Connection, FeedTab>>();
	/** Connections that said where they stand (the seq they applied last), to be answered. */
	private readonly requests = new Map<Connection, { tab: FeedTab; after: number }>();
	/** People with news, to be sent to their up-to-date connections. */
	private readonly news = new Set<string>();
	private pumping = false;
	private unsubscribe: (() => void) | null = null;

	constructor(feed: FeedService, events: DomainEvents) {
		this.feed = feed;
		this.unsubscribe = events.on('feed.appended', ({ userIds }) => {
			for (const userId of userIds) if (this.tabs.has(userId)) this.news.add(userId);
			this.kick();
		});
	}

	async connected({ connection, context }: connectedPayload<CollabContext>): Promise<void> {
		if (context.kind !== 'feed') return;
		const userId = context.user.id;
		let own = this.tabs.get(userId);
		if (!own) this.tabs.set(userId, (own = new Map()));
		own.set(connection, { userId, sent: null });
		connection.onClose(() => {
			own.delete(connection);
			this.requests.delete(connection);
			if (own.size === 0 && this.tabs.get(userId) === own) this.tabs.delete(userId);
		});
	}

	async onStateless({ connection, payload }: onStatelessPayload): Promise<void> {
		const context = connection.context as CollabContext | undefined;
		if (context?.kind !== 'feed') return;
		const tab = this.tabs.get(context.user.id)?.get(connection);
		if (!tab) return;
		const request = parseFeedRequest(payload);
		if (!request) {
			connection.close(closeReason('refused', 'malformed feed request'));
			return;
		}
		// Answered in turn by the pump: a send already under way for this tab finishes first.
		this.requests.set(connection, { tab, after: request.after });
		this.kick();
	}

	/** Stops following the domain events (the server is closing). */
	close(): void {
		this.unsubscribe?.();
		this.unsubscribe = null;
		this.tabs.clear();
		this.requests.clear();
		this.news.clear();
	}

	private kick(): void {
		if (this.pumping) return;
		this.pumping = true;
		void this.pump()
			.catch((error: unknown) => {
				// The database is out of reach: clients ask again when they reconnect, and the next
				// change for their person tries again.
				logger.warn({ err: error }, 'feed send failed');
			})
			.finally(() => {
				this.pumping = false;
				if (this.requests.size > 0 || this.news.size > 0) this.kick();
			});
	}

	private async pump(): Promise<void> {
		while (this.requests.size > 0 || this.news.size > 0) {
			const requests = [...this.requests];
			this.requests.clear();
			for (const [connection, { tab, after }] of requests) {
				tab.sent = after;
				await this.answer(connection, tab);
			}
			const people = [...this.news];
			this.news.clear();
			if (people.length > 0) await this.deliver(people);
		}
	}

	/** A connection's request: what came after its seq, page by page, or "reset". */
	private async answer(connection: Connection, tab: FeedTab): Promise<void> {
		for (;;) {
			const message = await this.feed.since(tab.userId, tab.sent!);
			if (message.type === 'reset') {
				tab.sent = message.seq;
				send(connection, message);
				return;
			}
			const last = message.events.at(-1);
			if (!last) return;
			tab.sent = last.seq;
			send(connection, message);
			if (message.events.length < FEED_PAGE) return;
		}
	}

	/** News for people: one query for all of them, each tab sent what it lacks. */
	private async deliver(people: string[]): Promise<void> {
		const from = new Map<string, number>();
		const tabs: [Connection, FeedTab][] = [];
		for (const userId of people) {
			for (const [connection, tab] of this.tabs.get(userId) ?? []) {
				if (tab.sent === null) continue;
				tabs.push([connection, tab]);
				from.set(userId, Math.min(from.get(userId) ?? tab.sent, tab.sent));
			}
		}
		const found = await this.feed.newFor(from);
		for (const [connection, tab] of tabs) {
			const events = (found.get(tab.userId) ?? []).filter((event) => event.seq > tab.sent!);
			const last = events.at(-1);
			if (!last) continue;
			tab.sent = last.seq;
			send(connection, { type: 'events', events });
		}
		// A full page may have more behind it.
		for (const [userId, events] of found) {
			if (events.length >= FEED_PAGE) this.news.add(userId);
		}
	}
}

function send(connection: Connection, message: FeedMessage & { events?: FeedEnvelope[] }): void {
	connection.sendStateless(JSON.stringify(message));
}
