/** Who sends an update, as the connection established it (never as the update claims). */
export interface Actor {
	userId: string;
	/** May delete other people's messages in this document. */
	canModerate: boolean;
	/** May change nothing in this document. */
	readOnly: boolean;
}

export interface WrittenEntry {
	key: string;
	value: unknown;
}

export interface ModeratedMessage {
	authorId: string;
	messageId: string;
}

/** What an accepted update does, for the server to record (acceptance, moderation, history). */
export interface GuardedChanges {
	/** Values the actor stored in their own map, in update order (a key may repeat). */
	written: WrittenEntry[];
	/** Other people's messages a moderator removed. */
	moderated: ModeratedMessage[];
}

export type GuardVerdict = { ok: true; changes: GuardedChanges } | { ok: false; reason: string };
