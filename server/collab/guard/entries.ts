import * as Y from 'yjs';
import { moderatedKey, parseEntryKey, parseUserRoot, SERVER_ROOT } from '#shared/chat/keys.ts';
import { MAX_REACTIONS_PER_MESSAGE } from '#shared/chat/limits.ts';
import type { WrittenEntry } from './actor.ts';
import { liveValue, rootType } from './areas.ts';

/**
 * Rules about written entries that need the rest of the document: they are what keeps a message
 * id naming one message, a moderator's deletion final, and reactions bounded.
 */

/**
 * Reactions, read marks and thread replies name a message by id alone, so a new message may not
 * reuse an id someone else already has (even a deleted one: `_map` keeps the last entry).
 */
function idTakenElsewhere(doc: Y.Doc, key: string, actorRoot: string): boolean {
	if (rootType(doc, actorRoot)?._map.has(key)) return false;
	for (const [name, type] of doc.share) {
		if (name !== actorRoot && parseUserRoot(name) && type._map.has(key)) return true;
	}
	return false;
}

function messageProblem(doc: Y.Doc, entry: WrittenEntry, actorId: string, actorRoot: string) {
	const key = parseEntryKey(entry.key);
	if (key?.kind !== 'message') return null;
	if (liveValue(doc, SERVER_ROOT, moderatedKey(actorId, key.messageId)) !== undefined) {
		return `message ${key.messageId} was removed by a moderator`;
	}
	return idTakenElsewhere(doc, entry.key, actorRoot)
		? `message id ${key.messageId} is already used by another person`
		: null;
}

/** Distinct emoji per message in the actor's map once the update is applied. */
function reactionProblem(
	doc: Y.Doc,
	written: WrittenEntry[],
	removed: Set<string>,
	actorRoot: string
): string | null {
	const messages = new Map<string, Set<string>>();
	for (const { key } of written) {
		const parsed = parseEntryKey(key);
		if (parsed?.kind === 'reaction') messages.set(parsed.messageId, new Set());
	}
	if (messages.size === 0) return null;
	for (const [key, item] of rootType(doc, actorRoot)?._map ?? []) {
		const parsed = !item.deleted && !removed.has(key) ? parseEntryKey(key) : null;
		if (parsed?.kind === 'reaction') messages.get(parsed.messageId)?.add(key);
	}
	for (const { key } of written) {
		const parsed = parseEntryKey(key);
		if (parsed?.kind === 'reaction') messages.get(parsed.messageId)?.add(key);
	}
	for (const [messageId, keys] of messages) {
		if (keys.size > MAX_REACTIONS_PER_MESSAGE) {
			return `more than ${MAX_REACTIONS_PER_MESSAGE} reactions on message ${messageId}`;
		}
	}
	return null;
}

export function checkEntries(
	doc: Y.Doc,
	written: WrittenEntry[],
	removedOwnKeys: string[],
	actorId: string,
	actorRoot: string
): string | null {
	for (const entry of written) {
		const problem = messageProblem(doc, entry, actorId, actorRoot);
		if (problem) return problem;
	}
	return reactionProblem(doc, written, new Set(removedOwnKeys), actorRoot);
}
