/**
 * The schema of one channel, direct-conversation or breakout-room document, shared by the
 * browser and the server.
 *
 *   u:<userId>   Y.Map, written only by that person (the server's guard enforces it):
 *                  m:<messageId>          → MessageValue (plain JSON; an edit replaces it)
 *                  r:<messageId>:<emoji>  → true (a reaction; removing it deletes the key)
 *                  read                   → ReadMark (last message read)
 *   server       Y.Map, written only by the server:
 *                  accepted:<authorId>:<messageId>  → server time of first acceptance
 *                  moderated:<authorId>:<messageId> → Moderation { by, at }
 *                  archived                         → boolean
 *                  schemaVersion                    → SCHEMA_VERSION
 *                  retention                        → server time of the last retention purge
 *
 * Nothing else: no other top-level types and no nested shared types. Flat maps of plain values
 * keep documents small and let the server name the owner of every change from the update alone.
 */
export * from './document-name.ts';
export * from './ids.ts';
export * from './keys.ts';
export * from './limits.ts';
export * from './listing.ts';
export * from './messages.ts';
export * from './purge.ts';
export * from './server-area.ts';
export * from './values.ts';
