import * as Y from 'yjs';
import {
	acceptedKey,
	ARCHIVED_KEY,
	moderatedKey,
	NEXT_SHARD_KEY,
	parseServerKey,
	SCHEMA_VERSION_KEY,
	SERVER_ROOT
} from './keys.ts';
import { type Moderation, serverValueProblem } from './values.ts';

/**
 * The server's map: what only the server decides. Clients read it; the update guard refuses
 * every client change to it, so only code running on the server calls the writers below.
 */

/** Version of the document layout, so that a later layout can recognise and migrate this one. */
export const SCHEMA_VERSION = 1;

export function serverArea(doc: Y.Doc): Y.Map<unknown> {
	return doc.getMap<unknown>(SERVER_ROOT);
}

function read(doc: Y.Doc, key: string): unknown {
	const parsed = parseServerKey(key);
	const value = serverArea(doc).get(key);
	return parsed && value !== undefined && !serverValueProblem(parsed, value) ? value : undefined;
}

export function initServerArea(doc: Y.Doc): void {
	const area = serverArea(doc);
	if (!area.has(SCHEMA_VERSION_KEY)) area.set(SCHEMA_VERSION_KEY, SCHEMA_VERSION);
}

export function schemaVersion(doc: Y.Doc): number | null {
	return (read(doc, SCHEMA_VERSION_KEY) as number | undefined) ?? null;
}

/** Records the server time at which a message was first accepted; later calls change nothing. */
export function markAccepted(doc: Y.Doc, authorId: string, messageId: string, at: number): boolean {
	const key = acceptedKey(authorId, messageId);
	if (serverArea(doc).has(key)) return false;
	serverArea(doc).set(key, at);
	return true;
}

export function acceptedAt(doc: Y.Doc, authorId: string, messageId: string): number | null {
	return (read(doc, acceptedKey(authorId, messageId)) as number | undefined) ?? null;
}

export function recordModeration(
	doc: Y.Doc,
	authorId: string,
	messageId: string,
	moderation: Moderation
): void {
	serverArea(doc).set(moderatedKey(authorId, messageId), moderation);
}

export function moderationOf(doc: Y.Doc, authorId: string, messageId: string): Moderation | null {
	return (read(doc, moderatedKey(authorId, messageId)) as Moderation | undefined) ?? null;
}

export function setArchived(doc: Y.Doc, archived: boolean): void {
	serverArea(doc).set(ARCHIVED_KEY, archived);
}

export function isArchived(doc: Y.Doc): boolean {
	return read(doc, ARCHIVED_KEY) === true;
}

/** Seals a full shard: clients move on to `next` for new messages. */
export function sealShard(doc: Y.Doc, next: number): void {
	if (serverArea(doc).get(NEXT_SHARD_KEY) !== next) serverArea(doc).set(NEXT_SHARD_KEY, next);
}

/** The shard where the conversation continues, or null while this one is the head. */
export function nextShard(doc: Y.Doc): number | null {
	return (read(doc, NEXT_SHARD_KEY) as number | undefined) ?? null;
}
