import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import { api, type Member } from './api.ts';
import { repeatUntilStopped, socketFor, watchFeedFromNow } from './notification-latency.ts';
import { Latencies } from './stats.ts';

/**
 * Scenario 7: how long a change to people's world takes to reach their feeds while messages
 * flow. Watchers hold their feed open (`feed.<userId>`, one socket each, in this process); an
 * administrator renames a private group they are all in, at a steady pace, through the HTTP
 * API; each rename's latency is from the moment its request is sent to the moment the event
 * reaches each watcher.
 */
export interface FeedWatchers {
	/** Renames at `intervalMs` until the returned function is called; it resolves once drained. */
	renameWhile(intervalMs: number): () => Promise<void>;
	result(): FeedLatencyResult;
	close(): void;
}

export interface FeedLatencyResult {
	watchers: number;
	changes: number;
	deliveries: number;
	expected: number;
	feed_p50_ms: number | null;
	feed_p99_ms: number | null;
	feed_max_ms: number | null;
	/** The rename request itself (the change, its transaction and the answer). */
	request_p50_ms: number | null;
}

export async function openFeedWatchers(
	httpUrl: string,
	wsUrl: string,
	admin: Member,
	watchers: Member[]
): Promise<FeedWatchers> {
	const group = await api<{ id: string }>(httpUrl, 'POST', '/api/channels', {
		token: admin.token,
		body: { kind: 'private', name: 'Feed bench', memberIds: watchers.map((w) => w.id) }
	});
	const sentAt = new Map<string, number>();
	const latencies = new Latencies();
	const requests = new Latencies();
	let deliveries = 0;
	const sockets: HocuspocusProviderWebsocket[] = [];
	const providers: HocuspocusProvider[] = [];
	await Promise.all(
		watchers.map(async (watcher) => {
			const socket = socketFor(wsUrl, watcher.token);
			sockets.push(socket);
			const provider = await watchFeedFromNow(socket, watcher, (event, arrived) => {
				const name = (event.data as { name?: string }).name;
				const started = name === undefined ? undefined : sentAt.get(name);
				if (started === undefined) return;
				deliveries++;
				latencies.add(Float64Array.of(arrived - started));
			});
			providers.push(provider);
		})
	);

	async function rename(index: number): Promise<void> {
		const name = `Feed bench ${index}`;
		const started = performance.now();
		sentAt.set(name, started);
		await api(httpUrl, 'PATCH', `/api/channels/${group.data.id}`, {
			token: admin.token,
			body: { name }
		});
		requests.add(Float64Array.of(performance.now() - started));
	}

	/** Every watcher has been shown everything sent. */
	const drained = () => deliveries >= sentAt.size * watchers.length;
	return {
		renameWhile: (intervalMs) =>
			repeatUntilStopped(rename, intervalMs, { drainMs: 5_000, drained }),
		result: () => ({
			watchers: watchers.length,
			changes: sentAt.size,
			deliveries,
			expected: sentAt.size * watchers.length,
			feed_p50_ms: latencies.percentile(50),
			feed_p99_ms: latencies.percentile(99),
			feed_max_ms: latencies.max(),
			request_p50_ms: requests.percentile(50)
		}),
		close() {
			for (const provider of providers) provider.destroy();
			for (const socket of sockets) socket.destroy();
		}
	};
}
