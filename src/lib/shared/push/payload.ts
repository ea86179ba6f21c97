import { z } from 'zod';

/**
 * What a Web Push message carries to the service worker (JSON, encrypted end to end): show a
 * conversation's notification, or close it (read on another device). `tag` names the
 * conversation, so a newer notification replaces the shown one instead of stacking.
 */
export const pushPayloadSchema = z.discriminatedUnion('type', [
	z.object({
		type: z.literal('show'),
		tag: z.string().max(100),
		title: z.string().max(200),
		body: z.string().max(1000),
		url: z.string().max(500),
		icon: z.string().max(200)
	}),
	z.object({ type: z.literal('close'), tag: z.string().max(100) })
]);
export type PushPayload = z.output<typeof pushPayloadSchema>;

/** The payload of a push message, or null when it is not one of ours. */
export function parsePushPayload(data: unknown): PushPayload | null {
	const parsed = pushPayloadSchema.safeParse(data);
	return parsed.success ? parsed.data : null;
}

/**
 * Where a click on a notification goes: its URL when that is a page of this origin, the home
 * page otherwise (a notification must never open another site).
 */
export function notificationTarget(url: unknown, origin: string): string {
	if (typeof url !== 'string') return `${origin}/home`;
	try {
		const target = new URL(url, origin);
		return target.origin === origin ? target.href : `${origin}/home`;
	} catch {
		return `${origin}/home`;
	}
}

/** The message the service worker posts to an open app window to open a notification's page. */
export interface OpenFromNotification {
	type: 'open-notification';
	url: string;
}
