import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import WebSocket from 'ws';
import { postMessage } from '../../src/lib/shared/chat/messages.ts';
import { feedDocumentName, parseFeedMessage } from '../../src/lib/shared/feed/feed-event.ts';
import { SESSION_COOKIE, type Member } from './api.ts';
import { Latencies } from './stats.ts';

/**
 * Scenario 10: an @channel in the announcements channel, and how long its notification takes to
 * reach every member's feed. Each member holds their feed open (`feed.<userId>`, a socket each,
 * in this process), as a tab does; the administrator holds the announcements document open and
 * posts an @channel message into it, as the browser does (a Yjs write the server accepts,
 * records, and turns into one notification per member). Latency is from the write to the
 * `notification.created` event of that message arriving in each member's feed.
 */
export interface NotificationWatchers {
	/** Posts an @channel every `intervalMs` until the returned function is called (then drains). */
	announceWhile(intervalMs: number): () => Promise<void>;
	result(): NotificationLatencyResult;
	close(): void;
}

export interface NotificationLatencyResult {
	watchers: number;
	announcements: number;
	notifications_shown: number;
	notifications_expected: number;
	notify_p50_ms: number | null;
	notify_p99_ms: number | null;
	notify_max_ms: number | null;
}

/**
 * A person's socket. `quietForMs`: how long it may hear nothing before reconnecting (the
 * provider's 30 s by default; longer for sockets that wait idle for an event to time).
 */
export function socketFor(
	wsUrl: string,
	token: string,
	quietForMs?: number
): HocuspocusProviderWebsocket {
	return new HocuspocusProviderWebsocket({
		url: wsUrl,
		...(quietForMs === undefined ? {} : { messageReconnectTimeout: quietForMs }),
		WebSocketPolyfill: class extends WebSocket {
			constructor(address: string) {
				super(address, { headers: { cookie: `${SESSION_COOKIE}=${token}` } });
			}
		}
	});
}

/**
 * Holds a person's feed open as a tab does, from now on: each new event goes to `onEvent` with the
 * moment it arrived; what happened before, and repeats, are left out. Resolves once it is open.
 */
export async function watchFeedFromNow(
	socket: HocuspocusProviderWebsocket,
	watcher: Member,
	onEvent: (event: { kind: string; data: unknown }, arrived: number) => void
): Promise<HocuspocusProvider> {
	let lastSeq = 0;
	const provider = new HocuspocusProvider({
		websocketProvider: socket,
		name: feedDocumentName(watcher.id),
		token: 'cookie',
		onStateless: ({ payload }) => {
			const arrived = performance.now();
			const message = parseFeedMessage(payload);
			if (message?.type === 'reset') lastSeq = message.seq;
			if (message?.type !== 'events') return;
			for (const event of message.events) {
				if (event.seq <= lastSeq) continue;
				lastSeq = event.seq;
				onEvent(event, arrived);
			}
		}
	});
	// At every (re)connection, where it stands, as the app does: the first time from beyond its
	// head (the server answers "reset" and sends only what comes next), then from the last seen.
	provider.on('synced', ({ state }: { state: boolean }) => {
		if (state) provider.sendStateless(JSON.stringify({ after: lastSeq || 1_000_000_000 }));
	});
	withoutAwareness(provider).attach();
	await synced(provider, `${watcher.name}'s feed`);
	return provider;
}

/**
 * As the app's tabs do, a provider publishes no awareness state (a conversation's holds one only
 * while its person types; a feed's and presence's never): without this each provider renewed an
 * empty state every 15 s, work for the server that the app never causes.
 */
export function withoutAwareness(provider: HocuspocusProvider): HocuspocusProvider {
	provider.awareness?.setLocalState(null);
	return provider;
}

export function synced(provider: HocuspocusProvider, what: string): Promise<void> {
	return new Promise<void>((resolve, reject) => {
		if (provider.synced) resolve();
		provider.on('synced', () => resolve());
		setTimeout(() => reject(new Error(`${what} did not open`)), 60_000);
	});
}

/** A person in one document as a browser tab is, on a socket of their own, synced. */
export async function openAs(
	wsUrl: string,
	person: Member,
	name: string,
	what: string
): Promise<{ provider: HocuspocusProvider; close(): void }> {
	const socket = socketFor(wsUrl, person.token);
	const provider = new HocuspocusProvider({ websocketProvider: socket, name, token: 'cookie' });
	withoutAwareness(provider).attach();
	await synced(provider, what);
	return {
		provider,
		close() {
			provider.destroy();
			socket.destroy();
		}
	};
}

export async function openNotificationWatchers(
	wsUrl: string,
	admin: Member,
	announcementsDoc: string,
	watchers: Member[]
): Promise<NotificationWatchers> {
	const sentAt = new Map<string, number>();
	const latencies = new Latencies();
	let deliveries = 0;
	const sockets: HocuspocusProviderWebsocket[] = [];
	const providers: HocuspocusProvider[] = [];
	// In batches: a thousand sockets opening at once would time each other out.
	for (let start = 0; start < watchers.length; start += 100) {
		await Promise.all(
			watchers.slice(start, start + 100).map(async (watcher) => {
				const socket = socketFor(wsUrl, watcher.token);
				sockets.push(socket);
				const provider = await watchFeedFromNow(socket, watcher, (event, arrived) => {
					if (event.kind !== 'notification.created') return;
					const id = (event.data as { notification?: { messageId?: string } }).notification
						?.messageId;
					const started = id ? sentAt.get(id) : undefined;
					if (started === undefined) return;
					deliveries++;
					latencies.add(Float64Array.of(arrived - started));
				});
				providers.push(provider);
			})
		);
	}

	const announcer = await openAs(wsUrl, admin, announcementsDoc, 'the announcements channel');

	function announce(index: number): void {
		const now = Date.now();
		const id = crypto.randomUUID();
		sentAt.set(id, performance.now());
		postMessage(announcer.provider.document, admin.id, {
			id,
			text: `@channel announcement ${index}: the all-hands moves to three o'clock`,
			mentions: ['channel'],
			now
		});
	}

	/** Every watcher has been shown everything sent. */
	const drained = () => deliveries >= sentAt.size * watchers.length;
	return {
		announceWhile: (intervalMs) =>
			repeatUntilStopped(announce, intervalMs, { drainMs: 15_000, drained }),
		result: () => ({
			watchers: watchers.length,
			announcements: sentAt.size,
			notifications_shown: deliveries,
			notifications_expected: sentAt.size * watchers.length,
			notify_p50_ms: latencies.percentile(50),
			notify_p99_ms: latencies.percentile(99),
			notify_max_ms: latencies.max()
		}),
		close() {
			announcer.close();
			for (const provider of providers) provider.destroy();
			for (const socket of sockets) socket.destroy();
		}
	};
}

/**
 * Runs `step` with 1, 2, … every `intervalMs` (start to start) until the returned stop is
 * called; the stop waits for the step under way, then up to `drainMs` for `drained()`, so that
 * what was sent last has time to arrive.
 */
export function repeatUntilStopped(
	step: (index: number) => unknown,
	intervalMs: number,
	until: { drainMs: number; drained: () => boolean }
): () => Promise<void> {
	let stopped = false;
	let index = 0;
	const running = (async () => {
		while (!stopped) {
			const next = performance.now() + intervalMs;
			await step(++index);
			await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - performance.now())));
		}
	})();
	return async () => {
		stopped = true;
		await running;
		const deadline = performance.now() + until.drainMs;
		while (!until.drained() && performance.now() < deadline) {
			await new Promise((resolve) => setTimeout(resolve, 20));
		}
	};
}
