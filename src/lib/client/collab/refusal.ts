import * as Y from 'yjs';
import {
	messageValueSchema,
	parseEntryKey,
	readMarkSchema,
	userRoot
} from '$lib/shared/chat/document-schema.ts';

/**
 * What the server refused. When the server refuses an update it closes the document, and the
 * client replaces its copy by the server's: comparing the person's own map before (local) and
 * after (server) names exactly what did not land, so the person can be told and copy the text.
 */

export type RefusedItem =
	| { kind: 'message' | 'edit'; messageId: string; text: string }
	| { kind: 'delete'; messageId: string }
	| { kind: 'reaction'; messageId: string; emoji: string };

/** A plain copy of a person's own entries in a document. */
export function ownEntries(doc: Y.Doc, userId: string): Map<string, unknown> {
	const entries = new Map<string, unknown>();
	for (const [key, value] of doc.getMap<unknown>(userRoot(userId)).entries()) {
		entries.set(key, value);
	}
	return entries;
}

export function refusedChanges(
	local: ReadonlyMap<string, unknown>,
	server: ReadonlyMap<string, unknown>
): RefusedItem[] {
	const items: RefusedItem[] = [];
	for (const [key, value] of local) {
		const entry = parseEntryKey(key);
		if (!entry) continue;
		if (entry.kind === 'reaction') {
			if (!server.has(key)) {
				items.push({ kind: 'reaction', messageId: entry.messageId, emoji: entry.emoji });
			}
			continue;
		}
		if (entry.kind !== 'message') continue;
		const mine = messageValueSchema.safeParse(value);
		if (!mine.success) continue;
		const theirs = messageValueSchema.safeParse(server.get(key));
		const serverVersion = theirs.success ? theirs.data.version : 0;
		if (serverVersion >= mine.data.version) continue;
		if (mine.data.deleted) {
			if (theirs.success) items.push({ kind: 'delete', messageId: entry.messageId });
		} else {
			items.push({
				kind: theirs.success ? 'edit' : 'message',
				messageId: entry.messageId,
				text: mine.data.text
			});
		}
	}
	return items;
}

/**
 * The person's own entries that a copy rebuilt from the server lacks and that should be written
 * again: messages (and edits, deletions) newer than the server's version, reactions the server
 * does not have, a later read mark. Used after a "stale" close, when the local copy held other
 * people's changes that the server lost and was rebuilt: the person's own changes were not
 * refused, only held up, so they are sent again rather than reported.
 */
export function ownChangesToResend(
	local: ReadonlyMap<string, unknown>,
	server: ReadonlyMap<string, unknown>
): Array<[string, unknown]> {
	const resend: Array<[string, unknown]> = [];
	for (const [key, value] of local) {
		const entry = parseEntryKey(key);
		if (!entry) continue;
		if (entry.kind === 'reaction') {
			if (!server.has(key)) resend.push([key, value]);
		} else if (entry.kind === 'message') {
			const mine = messageValueSchema.safeParse(value);
			const theirs = messageValueSchema.safeParse(server.get(key));
			if (mine.success && (!theirs.success || theirs.data.version < mine.data.version)) {
				resend.push([key, value]);
			}
		} else {
			const mine = readMarkSchema.safeParse(value);
			const theirs = readMarkSchema.safeParse(server.get(key));
			if (mine.success && (!theirs.success || theirs.data.at < mine.data.at)) {
				resend.push([key, value]);
			}
		}
	}
	return resend;
}

/**
 * After a rebuild from the server: writes again, in one transaction, the person's own entries of
 * `before` (their map in the dropped copy) that the rebuilt `doc` lacks.
 */
export function resendOwnChanges(
	doc: Y.Doc,
	userId: string,
	before: ReadonlyMap<string, unknown>
): void {
	const resend = ownChangesToResend(before, ownEntries(doc, userId));
	if (resend.length === 0) return;
	const own = doc.getMap<unknown>(userRoot(userId));
	doc.transact(() => {
		for (const [key, value] of resend) own.set(key, value);
	});
}
