/**
 * Limits of a channel document. The composer checks them to refuse early with a clear message;
 * the server's update guard checks them again because a client can be anything.
 */

/** Characters (UTF-16 code units, as the composer counts them) in one message's text. */
export const MAX_MESSAGE_TEXT_LENGTH = 8_000;

/**
 * Bytes of one incoming Yjs update, checked before decoding: a crafted update can make the
 * decoder loop or allocate (yjs#687), so nothing bigger is looked at. The WebSocket `maxPayload`
 * must be a little above this (frame header, document name).
 */
export const MAX_UPDATE_BYTES = 256 * 1024;

/** Distinct emoji one person may put on one message. */
export const MAX_REACTIONS_PER_MESSAGE = 20;

export const MAX_MENTIONS_PER_MESSAGE = 50;

/** Matches the product's "up to 10 files per message". */
export const MAX_ATTACHMENTS_PER_MESSAGE = 10;

/** UTF-16 code units of one reaction: long enough for ZWJ sequences and skin tones. */
export const MAX_EMOJI_LENGTH = 32;

export const MAX_ATTACHMENT_NAME_LENGTH = 255;

export const MAX_MIME_TYPE_LENGTH = 127;

/** Nesting of a stored value; ours need 3, deeper values are crafted. */
export const MAX_VALUE_DEPTH = 6;
