import { z } from 'zod';
import { defineContract } from './contract.ts';
import { singleLineText } from '../text.ts';
import { pushSubscriptionInputSchema, pushSubscriptionSchema } from './push.schema.ts';

/** The server's VAPID public key (base64url), for `pushManager.subscribe`. */
export const pushKey = defineContract({
	method: 'GET',
	path: '/api/push/key',
	summary: "The server's VAPID public key, for subscribing a browser to push",
	tag: 'Notifications',
	requiresUser: true,
	response: z.object({ publicKey: z.string() })
});

export const subscribePush = defineContract({
	method: 'POST',
	path: '/api/push/subscriptions',
	summary:
		'Receive push notifications on this browser (its PushSubscription; https endpoints on public addresses only)',
	tag: 'Notifications',
	requiresUser: true,
	body: pushSubscriptionInputSchema,
	response: pushSubscriptionSchema,
	status: 201
});

export const unsubscribePush = defineContract({
	method: 'DELETE',
	path: '/api/push/subscriptions',
	summary: 'Stop push notifications on this browser (by its endpoint)',
	tag: 'Notifications',
	requiresUser: true,
	body: z.object({ endpoint: singleLineText().min(1).max(2048) }),
	response: z.object({ ok: z.literal(true) })
});
