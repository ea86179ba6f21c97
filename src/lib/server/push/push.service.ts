import https from 'node:https';
import webpush, { type Urgency } from 'web-push';
import type { SessionUser } from '#shared/api/auth.schema.ts';
import type { PushSubscriptionInfo, PushSubscriptionInput } from '#shared/api/push.schema.ts';
import type { PushPayload } from '#shared/push/payload.ts';
import type { Logger } from '../logging/logger.ts';
import type { ServerSecretsRepository } from '../secrets/server-secrets.repository.ts';
import { checkPushEndpoint, checkPushKeys, publicOnlyLookup } from './endpoint-policy.ts';
import type { PushRepository, StoredPushSubscription } from './push.repository.ts';

export interface VapidKeys {
	publicKey: string;
	privateKey: string;
}

const VAPID_SECRET = 'vapid-keys';

/**
 * The server's VAPID key pair: made at first start and kept in the database, so every process
 * and every restart signs with the same key (browsers' subscriptions are bound to it).
 */
export async function loadVapidKeys(secrets: ServerSecretsRepository): Promise<VapidKeys> {
	const stored = await secrets.getOrCreate(VAPID_SECRET, () =>
		JSON.stringify(webpush.generateVAPIDKeys())
	);
	return JSON.parse(stored) as VapidKeys;
}

interface PushDeps {
	subscriptions: PushRepository;
	secrets: ServerSecretsRepository;
	logger: Logger;
	/** PUSH_CONTACT: the VAPID subject. */
	contact: string;
	/** PUSH_ALLOW_PRIVATE_ENDPOINTS. */
	allowPrivateEndpoints: boolean;
	/** Resolves a host name to its addresses (the system's by default). */
	lookup?: (host: string) => Promise<string[]>;
}

/** The browsers a person receives push notifications on. */
export class PushSubscriptionService {
	#keys: Promise<VapidKeys> | undefined;

	private readonly deps: PushDeps;

	constructor(deps: PushDeps) {
		this.deps = deps;
	}

	keys(): Promise<VapidKeys> {
		this.#keys ??= loadVapidKeys(this.deps.secrets);
		return this.#keys;
	}

	async publicKey(): Promise<{ publicKey: string }> {
		return { publicKey: (await this.keys()).publicKey };
	}

	/**
	 * Stores this browser's subscription for the person, after checking it: an https endpoint
	 * not inside the network (PUSH_ENDPOINT_REFUSED) and well-formed keys (PUSH_KEYS_INVALID).
	 */
	async subscribe(
		user: SessionUser,
		input: PushSubscriptionInput,
		userAgent = ''
	): Promise<PushSubscriptionInfo> {
		checkPushKeys(input.keys);
		const url = await checkPushEndpoint(input.endpoint, {
			allowPrivate: this.deps.allowPrivateEndpoints,
			lookup: this.deps.lookup
		});
		const stored = await this.deps.subscriptions.upsert({
			userId: user.id,
			endpoint: url.toString(),
			p256dh: input.keys.p256dh,
			auth: input.keys.auth,
			userAgent: userAgent.slice(0, 300)
		});
		return { id: stored.id, endpoint: stored.endpoint, createdAt: stored.createdAt.toISOString() };
	}

	/** Forgets this browser's subscription; answers ok whether or not it was stored. */
	async unsubscribe(user: SessionUser, endpoint: string): Promise<{ ok: true }> {
		await this.deps.subscriptions.deleteForPerson(user.id, endpoint);
		return { ok: true };
	}
}

/** One notification, about one conversation. */
export interface PushNotification {
	channelId: string;
	/** The message it is about: a click opens the conversation at it, highlighted. */
	messageId?: string;
	/** Where a click leads instead of the conversation (an approval: the approvals page). */
	path?: string;
	title: string;
	body: string;
	/** 'high' for a direct message or a mention, as a push service may wake a device for it. */
	urgency?: Urgency;
}

export type { PushPayload };

export interface PushOutcome {
	/** Subscriptions the push service accepted the message for. */
	delivered: number;
	/** Subscriptions the push service no longer knows (404/410), deleted. */
	removed: number;
	/** Other failures (network, 4xx/5xx), logged; the subscription is kept. */
	failed: number;
}

/** A notification not delivered within a day is not worth showing any more. */
const SHOW_TTL_SECONDS = 24 * 3600;
/** Closing matters only while the notification may still be shown. */
const CLOSE_TTL_SECONDS = SHOW_TTL_SECONDS;
const BODY_CHARS = 240;

/** The tag of a conversation's notification: the service worker shows one per conversation. */
export const notificationTag = (channelId: string) => `c:${channelId}`;

/**
 * The Topic header for a conversation: a push service keeps only the newest undelivered message
 * of a topic, so a device that was offline gets the latest notification, not a backlog, and a
 * close replaces the show it would have cancelled. At most 32 base64url characters: the id
 * without its dashes.
 */
export const pushTopic = (channelId: string) => channelId.replaceAll('-', '').slice(0, 32);

interface SenderDeps {
	subscriptions: PushRepository;
	service: PushSubscriptionService;
	logger: Logger;
	/** PUSH_CONTACT: the VAPID subject. */
	contact: string;
	allowPrivateEndpoints: boolean;
}

/**
 * Sends Web Push messages to every browser a person subscribed, signed with the server's VAPID
 * key. Whether to push at all (the person is away, their preferences) is decided by the caller.
 */
export class PushSender {
	readonly #agent: https.Agent | undefined;

	private readonly deps: SenderDeps;

	constructor(deps: SenderDeps) {
		this.deps = deps;
		// Endpoints were checked when stored; the agent checks the address again at each
		// connection, so a host that now resolves inside the network is not reached.
		this.#agent = deps.allowPrivateEndpoints
			? undefined
			: new https.Agent({ keepAlive: true, lookup: publicOnlyLookup });
	}

	/** Shows a notification on each of the person's browsers, replacing the conversation's last. */
	async sendToPerson(personId: string, notification: PushNotification): Promise<PushOutcome> {
		const path = notification.path ?? `/c/${encodeURIComponent(notification.channelId)}`;
		const payload: PushPayload = {
			type: 'show',
			tag: notificationTag(notification.channelId),
			title: notification.title.slice(0, 120),
			body:
				notification.body.length > BODY_CHARS
					? `${notification.body.slice(0, BODY_CHARS - 1)}…`
					: notification.body,
			url: notification.messageId
				? `${path}?message=${encodeURIComponent(notification.messageId)}`
				: path,
			icon: '/favicon.svg'
		};
		return this.#send(personId, notification.channelId, payload, {
			TTL: SHOW_TTL_SECONDS,
			urgency: notification.urgency ?? 'normal'
		});
	}

	/**
	 * An emergency broadcast, whatever the person's settings: urgent, kept by the push service
	 * for a day, opening the app where its banner asks for the acknowledgement.
	 */
	async sendBroadcast(
		personId: string,
		broadcast: { id: string; title: string; body: string }
	): Promise<PushOutcome> {
		const payload: PushPayload = {
			type: 'show',
			tag: `b:${broadcast.id}`,
			title: broadcast.title.slice(0, 120),
			body:
				broadcast.body.length > BODY_CHARS
					? `${broadcast.body.slice(0, BODY_CHARS - 1)}…`
					: broadcast.body,
			url: `/home?broadcast=${encodeURIComponent(broadcast.id)}`,
			icon: '/favicon.svg'
		};
		return this.#send(personId, broadcast.id, payload, {
			TTL: SHOW_TTL_SECONDS,
			urgency: 'high'
		});
	}

	/** Closes the conversation's shown notification on each of the person's browsers (read elsewhere). */
	async closeForPerson(personId: string, channelId: string): Promise<PushOutcome> {
		return this.#send(
			personId,
			channelId,
			{ type: 'close', tag: notificationTag(channelId) },
			{ TTL: CLOSE_TTL_SECONDS, urgency: 'normal' }
		);
	}

	async #send(
		personId: string,
		channelId: string,
		payload: PushPayload,
		options: { TTL: number; urgency: Urgency }
	): Promise<PushOutcome> {
		const subscriptions = await this.deps.subscriptions.listForPerson(personId);
		const outcome: PushOutcome = { delivered: 0, removed: 0, failed: 0 };
		if (subscriptions.length === 0) return outcome;
		const keys = await this.deps.service.keys();
		const body = JSON.stringify(payload);
		await Promise.all(
			subscriptions.map(async (subscription) => {
				const result = await this.#sendOne(subscription, body, {
					...options,
					topic: pushTopic(channelId),
					vapidDetails: { subject: this.deps.contact, ...keys }
				});
				outcome[result] += 1;
			})
		);
		return outcome;
	}

	async #sendOne(
		subscription: StoredPushSubscription,
		body: string,
		options: webpush.RequestOptions
	): Promise<keyof PushOutcome> {
		try {
			await webpush.sendNotification(
				{
					endpoint: subscription.endpoint,
					keys: { p256dh: subscription.p256dh, auth: subscription.auth }
				},
				body,
				{ ...options, timeout: 10_000, ...(this.#agent ? { agent: this.#agent } : {}) }
			);
			return 'delivered';
		} catch (error) {
			const status = error instanceof webpush.WebPushError ? error.statusCode : undefined;
			if (status === 404 || status === 410) {
				// The browser unsubscribed or the subscription expired: it will never work again.
				await this.deps.subscriptions.deleteById(subscription.id);
				this.deps.logger.info(
					{ subscriptionId: subscription.id, status },
					'push subscription gone; removed'
				);
				return 'removed';
			}
			this.deps.logger.warn(
				{ subscriptionId: subscription.id, status, err: error },
				'push message not delivered'
			);
			return 'failed';
		}
	}

	close(): void {
		this.#agent?.destroy();
	}
}
