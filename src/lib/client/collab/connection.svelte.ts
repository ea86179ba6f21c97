import { HocuspocusProviderWebsocket, WebSocketStatus } from '@hocuspocus/provider';

/**
 * The one WebSocket of a browser tab to the collaboration server (`/collab` on our own origin).
 * Every document of every open conversation is multiplexed over it. It reconnects by itself
 * with exponential backoff (1 s, doubling, at most 30 s, with jitter so that a restarted server
 * is not hit by every tab at the same moment), and at once when the browser says it is back
 * online or the tab becomes visible again.
 */

export type ConnectionStatus = 'online' | 'connecting' | 'offline';

export const COLLAB_PATH = '/collab';

/** Consecutive failed attempts after which the state reads "offline" rather than "reconnecting". */
const OFFLINE_AFTER_FAILURES = 3;

export interface ConnectionOptions {
	url?: string;
	/** For tests outside a browser: a WebSocket class (e.g. one that sends a cookie). */
	WebSocketPolyfill?: unknown;
	delay?: number;
	maxDelay?: number;
}

export function collabUrl(location: Pick<Location, 'protocol' | 'host'>): string {
	return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${COLLAB_PATH}`;
}

export class CollabConnection {
	/** Reactive: online (connected), connecting (or reconnecting), offline. */
	status = $state<ConnectionStatus>('connecting');
	/** Reactive: whether the socket has ever been connected in this tab. */
	everConnected = $state(false);
	readonly socket: HocuspocusProviderWebsocket;
	private failures = 0;
	private readonly cleanups: (() => void)[] = [];

	constructor(options: ConnectionOptions = {}) {
		const url = options.url ?? collabUrl(window.location);
		const delay = options.delay ?? 1_000;
		this.socket = new HocuspocusProviderWebsocket({
			url,
			...(options.WebSocketPolyfill ? { WebSocketPolyfill: options.WebSocketPolyfill } : {}),
			delay,
			// With jitter the wait is random between minDelay and the current delay.
			minDelay: Math.min(delay, 500),
			factor: 2,
			maxDelay: options.maxDelay ?? 30_000,
			jitter: true,
			maxAttempts: 0
		});
		const onStatus = ({ status }: { status: WebSocketStatus }) => this.onStatus(status);
		this.socket.on('status', onStatus);
		this.cleanups.push(() => this.socket.off('status', onStatus));
		if (typeof window !== 'undefined') {
			const reconnectNow = () => this.reconnectNow();
			const wentOffline = () => (this.status = 'offline');
			const onVisible = () => {
				if (document.visibilityState === 'visible') reconnectNow();
			};
			window.addEventListener('online', reconnectNow);
			window.addEventListener('offline', wentOffline);
			document.addEventListener('visibilitychange', onVisible);
			this.cleanups.push(() => {
				window.removeEventListener('online', reconnectNow);
				window.removeEventListener('offline', wentOffline);
				document.removeEventListener('visibilitychange', onVisible);
			});
			if (navigator.onLine === false) this.status = 'offline';
		}
	}

	private onStatus(status: WebSocketStatus): void {
		if (status === WebSocketStatus.Connected) {
			this.failures = 0;
			this.everConnected = true;
			this.status = 'online';
			return;
		}
		if (status === WebSocketStatus.Disconnected) this.failures++;
		const browserOffline = typeof navigator !== 'undefined' && navigator.onLine === false;
		this.status =
			browserOffline || this.failures >= OFFLINE_AFTER_FAILURES ? 'offline' : 'connecting';
	}

	/** Skips the remaining backoff: the network is back, or the person is looking again. */
	reconnectNow(): void {
		if (this.socket.status === WebSocketStatus.Connected) {
			// The socket outlived the outage (the browser only reported being offline).
			this.status = 'online';
			return;
		}
		if (typeof navigator !== 'undefined' && navigator.onLine === false) return;
		this.status = 'connecting';
		void this.socket.connect();
	}

	destroy(): void {
		for (const cleanup of this.cleanups.splice(0)) cleanup();
		this.socket.destroy();
	}
}

let shared: CollabConnection | null = null;

/** The tab's connection, created on first use (in the browser only). */
export function sharedConnection(): CollabConnection {
	shared ??= new CollabConnection();
	return shared;
}

/** Closes the tab's connection (sign-out). */
export function closeSharedConnection(): void {
	shared?.destroy();
	shared = null;
}
