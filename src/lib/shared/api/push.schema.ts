import { z } from 'zod';
import { singleLineText } from '../text.ts';

/** What `PushSubscription.toJSON()` gives in the browser: where to push, and the keys. */
export const pushSubscriptionInputSchema = z.object({
	endpoint: singleLineText().min(1, 'Give the endpoint.').max(2048, 'The endpoint is too long.'),
	expirationTime: z.number().nullable().optional(),
	keys: z.object({
		p256dh: singleLineText().max(200),
		auth: singleLineText().max(200)
	})
});
export type PushSubscriptionInput = z.output<typeof pushSubscriptionInputSchema>;

export const pushSubscriptionSchema = z.object({
	id: z.uuid(),
	endpoint: z.string(),
	createdAt: z.string()
});
export type PushSubscriptionInfo = z.output<typeof pushSubscriptionSchema>;
