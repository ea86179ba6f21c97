import type { ListedMessage } from '$lib/shared/chat/document-schema.ts';

/** Rows of the message list: day separators and messages, grouped as chats group them. */

export const GROUP_WINDOW_MS = 5 * 60_000;

export type Row =
	| { kind: 'day'; key: string; label: string; at: number }
	| { kind: 'message'; key: string; message: ListedMessage; grouped: boolean };

/** The time a message shows: the server's when accepted (the same for everyone). */
export function messageTime(message: Pick<ListedMessage, 'acceptedAt' | 'createdAt'>): number {
	return message.acceptedAt ?? message.createdAt;
}

function dayKey(at: number): string {
	const date = new Date(at);
	return `${date.getFullYear()}-${date.getMonth() + 1}-${date.getDate()}`;
}

const weekday = new Intl.DateTimeFormat('en', { weekday: 'long', month: 'long', day: 'numeric' });
const fullDate = new Intl.DateTimeFormat('en', {
	weekday: 'long',
	month: 'long',
	day: 'numeric',
	year: 'numeric'
});
const clock = new Intl.DateTimeFormat('en', { hour: 'numeric', minute: '2-digit' });
const stamp = new Intl.DateTimeFormat('en', { dateStyle: 'full', timeStyle: 'short' });

export function dayLabel(at: number, now: number = Date.now()): string {
	const key = dayKey(at);
	if (key === dayKey(now)) return 'Today';
	if (key === dayKey(now - 86_400_000)) return 'Yesterday';
	return new Date(at).getFullYear() === new Date(now).getFullYear()
		? weekday.format(at)
		: fullDate.format(at);
}

export function clockTime(at: number): string {
	return clock.format(at);
}

export function fullTime(at: number): string {
	return stamp.format(at);
}

/**
 * Day separators before the first message of each day; a message is grouped under the one
 * before it when the same person wrote both within five minutes on the same day.
 */
export function buildRows(messages: readonly ListedMessage[], now: number = Date.now()): Row[] {
	const rows: Row[] = [];
	let previous: ListedMessage | null = null;
	let currentDay = '';
	for (const message of messages) {
		const at = messageTime(message);
		const day = dayKey(at);
		if (day !== currentDay) {
			currentDay = day;
			// Keyed by its first message too: a day can come back after a shard boundary.
			const key = `day:${day}:${message.id}`;
			rows.push({ kind: 'day', key, label: dayLabel(at, now), at });
			previous = null;
		}
		const grouped =
			previous !== null &&
			previous.authorId === message.authorId &&
			!previous.deleted &&
			at - messageTime(previous) < GROUP_WINDOW_MS;
		rows.push({ kind: 'message', key: `m:${message.authorId}:${message.id}`, message, grouped });
		previous = message;
	}
	return rows;
}
