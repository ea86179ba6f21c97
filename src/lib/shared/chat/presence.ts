import { z } from 'zod';
import { ownedDocumentName, parseOwnedDocumentName } from './ids.ts';

/**
 * Who is online, away or offline in an organization. Presence does not travel in the
 * conversations' awareness (every tab renewing its state in every channel it has open, each
 * renewal sent to every other tab there, grows with the square of the people online): each tab
 * opens one document per organization, `presence.<orgId>`, holding no content, and
 *
 * - tells the server its own status as a stateless message (`PresenceReport`), again after
 *   every reconnection;
 * - receives from the server, as stateless messages, a full view when it connects and then only
 *   what changed (`PresenceView`), at most about once a second.
 *
 * The server derives each person's status from their connected tabs (online if any tab is,
 * away if all are away, offline with none), so the traffic grows with the changes, not with
 * the square of the people online.
 */

/** A tab's own status, as it reports it and as the server keeps it per process. */
export const localStatusSchema = z.enum(['online', 'away']);
export type LocalStatus = z.infer<typeof localStatusSchema>;
export type PresenceStatus = LocalStatus | 'offline';

export const PRESENCE_PREFIX = 'presence';

/**
 * A tab repeats its report this often. It is all an idle tab says: the server closes a socket
 * it has heard nothing from for a minute (Hocuspocus's timeout), and a repeated report costs the
 * server a short JSON parse where an awareness renewal cost a scratch document.
 */
export const PRESENCE_REPORT_EVERY_MS = 15_000;

export function presenceDocumentName(orgId: string): string {
	return ownedDocumentName(PRESENCE_PREFIX, orgId, 'organization');
}

/** The organization of a presence document's name, or null when it is not one. */
export function parsePresenceDocumentName(name: unknown): string | null {
	return parseOwnedDocumentName(PRESENCE_PREFIX, name);
}

/** A tab's report of its own status (client → server). */
export const presenceReportSchema = z.strictObject({ status: localStatusSchema });
export type PresenceReport = z.infer<typeof presenceReportSchema>;

/** People's statuses (server → client): all of them when `full`, else only the changes. */
export const presenceViewSchema = z.strictObject({
	full: z.boolean(),
	people: z.record(z.uuid(), z.enum([...localStatusSchema.options, 'offline']))
});
export type PresenceView = z.infer<typeof presenceViewSchema>;

/** A JSON text read against a schema: null when it is too long, not JSON, or not of that shape. */
export function parseJsonAs<T>(schema: z.ZodType<T>, text: string, maxLength: number): T | null {
	if (text.length > maxLength) return null;
	try {
		const parsed = schema.safeParse(JSON.parse(text));
		return parsed.success ? parsed.data : null;
	} catch {
		return null;
	}
}

/** A tab's report, as the server reads it. */
export const parsePresenceReport = (text: string): PresenceReport | null =>
	parseJsonAs(presenceReportSchema, text, 200);

/** A view from the server, as a tab reads it. */
export const parsePresenceView = (text: string): PresenceView | null =>
	parseJsonAs(presenceViewSchema, text, Number.POSITIVE_INFINITY);

/** The better of two statuses of one person's tabs: online wins over away. */
export function combineStatus(a: LocalStatus | undefined, b: LocalStatus): LocalStatus {
	return a === 'online' || b === 'online' ? 'online' : 'away';
}

/** What changed from `before` to `after`, people gone as offline; null when nothing did. */
export function presenceChanges(
	before: ReadonlyMap<string, LocalStatus>,
	after: ReadonlyMap<string, LocalStatus>
): Record<string, PresenceStatus> | null {
	const changes: Record<string, PresenceStatus> = {};
	let any = false;
	for (const [id, status] of after) {
		if (before.get(id) === status) continue;
		changes[id] = status;
		any = true;
	}
	for (const id of before.keys()) {
		if (after.has(id)) continue;
		changes[id] = 'offline';
		any = true;
	}
	return any ? changes : null;
}
