import { MAX_EMOJI_LENGTH } from './limits.ts';
import { assertUuid, isUuid } from './ids.ts';

/**
 * Top-level names and entry keys of a channel document.
 *
 * Every person writes only in the top-level map named `u:<userId>`; the server alone writes in
 * `server`. That makes authority a question of "which top-level map does this change land in",
 * which the server can answer for every item of an update (see server/collab/update-guard.ts).
 */

export const SERVER_ROOT = 'server';

const USER_ROOT_PREFIX = 'u:';

export function userRoot(userId: string): string {
	assertUuid(userId, 'user id');
	return USER_ROOT_PREFIX + userId;
}

/** The user id of a person's top-level map, or null when `name` is not one. */
export function parseUserRoot(name: string): string | null {
	if (!name.startsWith(USER_ROOT_PREFIX)) return null;
	const userId = name.slice(USER_ROOT_PREFIX.length);
	return isUuid(userId) ? userId : null;
}

// ---- Entries of a person's map ----------------------------------------------------------------

export const READ_KEY = 'read';

export type EntryKey =
	| { kind: 'message'; messageId: string }
	| { kind: 'reaction'; messageId: string; emoji: string }
	| { kind: 'read' };

export function messageKey(messageId: string): string {
	assertUuid(messageId, 'message id');
	return `m:${messageId}`;
}

export function reactionPrefix(messageId: string): string {
	assertUuid(messageId, 'message id');
	return `r:${messageId}:`;
}

export function reactionKey(messageId: string, emoji: string): string {
	if (!isEmoji(emoji)) throw new TypeError(`not a reaction: ${emoji}`);
	return reactionPrefix(messageId) + emoji;
}

const UUID_LENGTH = 36;

export function parseEntryKey(key: string): EntryKey | null {
	if (key === READ_KEY) return { kind: 'read' };
	const messageId = key.slice(2, 2 + UUID_LENGTH);
	if (!isUuid(messageId)) return null;
	if (key.startsWith('m:') && key.length === 2 + UUID_LENGTH) return { kind: 'message', messageId };
	const emoji = key.slice(3 + UUID_LENGTH);
	if (key.startsWith('r:') && key[2 + UUID_LENGTH] === ':' && isEmoji(emoji)) {
		return { kind: 'reaction', messageId, emoji };
	}
	return null;
}

/** Spaces, controls and bidirectional overrides (which can make a reaction look like another). */
const FORBIDDEN_IN_EMOJI = /[\s\p{Cc}\u202a-\u202e\u2066-\u2069]/u;

/**
 * Pickers give Unicode emoji (sequences with ZWJ, skin tones, flags) and may give `:shortcode:`
 * names, so this only rules out what cannot be a reaction: empty, too long, spaces, controls.
 */
export function isEmoji(value: string): boolean {
	return value.length > 0 && value.length <= MAX_EMOJI_LENGTH && !FORBIDDEN_IN_EMOJI.test(value);
}

// ---- Entries of the server's map ----------------------------------------------------------------

export const ARCHIVED_KEY = 'archived';
export const SCHEMA_VERSION_KEY = 'schemaVersion';
/** Set when a shard is full: the shard number where the conversation goes on. */
export const NEXT_SHARD_KEY = 'nextShard';
/**
 * Set by a retention run that deleted messages of this document: the server time of that run.
 * A browser whose local copy was stored before it rewrites the copy (local-copy.ts), so what
 * was deleted leaves its disk too.
 */
export const RETENTION_KEY = 'retention';

/** Keyed by author too: a message is identified by who wrote it and its id. */
export function acceptedKey(authorId: string, messageId: string): string {
	assertUuid(authorId, 'author id');
	assertUuid(messageId, 'message id');
	return `accepted:${authorId}:${messageId}`;
}

export function moderatedKey(authorId: string, messageId: string): string {
	assertUuid(authorId, 'author id');
	assertUuid(messageId, 'message id');
	return `moderated:${authorId}:${messageId}`;
}

export type ServerKey =
	| { kind: 'accepted' | 'moderated'; authorId: string; messageId: string }
	| { kind: 'archived' }
	| { kind: 'schemaVersion' }
	| { kind: 'nextShard' }
	| { kind: 'retention' };

export function parseServerKey(key: string): ServerKey | null {
	if (key === ARCHIVED_KEY) return { kind: 'archived' };
	if (key === SCHEMA_VERSION_KEY) return { kind: 'schemaVersion' };
	if (key === NEXT_SHARD_KEY) return { kind: 'nextShard' };
	if (key === RETENTION_KEY) return { kind: 'retention' };
	const [kind, authorId, messageId, ...rest] = key.split(':');
	if (kind !== 'accepted' && kind !== 'moderated') return null;
	if (rest.length > 0 || !isUuid(authorId) || !isUuid(messageId)) return null;
	return { kind, authorId, messageId };
}
