import { ApiError, call } from '$lib/client/api.ts';
import * as pushApi from '$lib/shared/api/push.ts';

/**
 * - `checking`: finding out what this browser can do and has done.
 * - `unsupported`: no Push API or service worker here (some browsers, private windows).
 * - `denied`: the person blocked notifications for this site; only the browser can undo it.
 * - `off` / `on`: push on this browser is off / on.
 * - `working`: enabling or disabling.
 * - `failed`: enabling did not work (`problem` says why).
 */
export type BrowserPushState =
	'checking' | 'unsupported' | 'denied' | 'off' | 'on' | 'working' | 'failed';

/** How long to wait for the service worker before saying push is unavailable. */
const WORKER_WAIT_MS = 10_000;

/**
 * Push notifications on this browser: its PushSubscription, made with the server's VAPID key
 * and stored on the server (POST /api/push/subscriptions), or removed from both.
 */
export class BrowserPush {
	state = $state<BrowserPushState>('checking');
	/** Why the last attempt failed, for people. */
	problem = $state<string | null>(null);

	async refresh(): Promise<void> {
		const registration = await this.#registration();
		if (!registration) return;
		if (Notification.permission === 'denied') {
			this.state = 'denied';
			return;
		}
		const subscription = await registration.pushManager.getSubscription();
		this.state = subscription && Notification.permission === 'granted' ? 'on' : 'off';
	}

	async enable(): Promise<void> {
		this.problem = null;
		const registration = await this.#registration();
		if (!registration) return;
		this.state = 'working';
		const permission = await Notification.requestPermission();
		if (permission !== 'granted') {
			this.state = permission === 'denied' ? 'denied' : 'off';
			return;
		}
		let subscription: PushSubscription;
		try {
			const { publicKey } = await call(pushApi.pushKey);
			subscription = await this.#subscribe(registration, publicKey);
		} catch (error) {
			this.#fail(
				error instanceof ApiError
					? error.message
					: `This browser could not reach its push service, so notifications cannot be turned on here right now (${describe(error)}).`
			);
			return;
		}
		try {
			const json = subscription.toJSON();
			await call(pushApi.subscribePush, {
				body: {
					endpoint: subscription.endpoint,
					expirationTime: subscription.expirationTime,
					keys: { p256dh: json.keys?.p256dh ?? '', auth: json.keys?.auth ?? '' }
				}
			});
			this.state = 'on';
		} catch (error) {
			// The server did not keep it: leave nothing half on.
			await subscription.unsubscribe().catch(() => false);
			this.#fail(error instanceof ApiError ? error.message : describe(error));
		}
	}

	async disable(): Promise<void> {
		this.problem = null;
		const registration = await this.#registration();
		if (!registration) return;
		this.state = 'working';
		try {
			const subscription = await registration.pushManager.getSubscription();
			if (subscription) {
				const { endpoint } = subscription;
				await subscription.unsubscribe();
				await call(pushApi.unsubscribePush, { body: { endpoint } });
			}
			this.state = 'off';
		} catch (error) {
			this.#fail(error instanceof ApiError ? error.message : describe(error));
			await this.refresh();
		}
	}

	/** A subscription for the server's key; one made for another key is replaced. */
	async #subscribe(registration: ServiceWorkerRegistration, publicKey: string) {
		const key = base64UrlToBytes(publicKey);
		const existing = await registration.pushManager.getSubscription();
		if (existing) {
			const current = existing.options.applicationServerKey;
			if (current && sameBytes(new Uint8Array(current), key)) return existing;
			await existing.unsubscribe();
		}
		return registration.pushManager.subscribe({
			userVisibleOnly: true,
			applicationServerKey: key.buffer as ArrayBuffer
		});
	}

	async #registration(): Promise<ServiceWorkerRegistration | null> {
		if (
			typeof window === 'undefined' ||
			!('serviceWorker' in navigator) ||
			!('PushManager' in window) ||
			!('Notification' in window)
		) {
			this.state = 'unsupported';
			return null;
		}
		const registration = await Promise.race([
			navigator.serviceWorker.ready,
			new Promise<null>((resolve) => setTimeout(() => resolve(null), WORKER_WAIT_MS))
		]);
		if (!registration) {
			this.state = 'unsupported';
			this.problem = 'The app’s service worker is not running in this browser.';
		}
		return registration;
	}

	#fail(problem: string) {
		this.state = 'failed';
		this.problem = problem;
	}
}

function describe(error: unknown): string {
	return error instanceof Error ? error.message || error.name : String(error);
}

function base64UrlToBytes(value: string): Uint8Array<ArrayBuffer> {
	const base64 = value.replace(/-/g, '+').replace(/_/g, '/');
	const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
	const bytes = new Uint8Array(new ArrayBuffer(binary.length));
	for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
	return bytes;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
	return a.length === b.length && a.every((byte, index) => byte === b[index]);
}
