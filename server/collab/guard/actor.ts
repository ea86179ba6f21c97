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

/**
 * What a refusal says about the sender: a gap in its own history ("gap": an update that overtook
 * its sync), a change in someone else's area ("elsewhere": a forgery, or what an honest client
 * holds after the server relayed an update and lost it in a crash), or anything else.
 */
export type RefusalCause = 'gap' | 'elsewhere' | 'invalid';

export type GuardVerdict =
	{ ok: true; changes: GuardedChanges } | { ok: false; cause: RefusalCause; reason: string };

/**
 * A refusal whose cause is not "invalid", thrown from deep in the checks and turned into the
 * verdict by checkUpdate (every other refusal is returned as its sentence, and is "invalid").
 */
export class GuardRefusal extends Error {
	override readonly name = 'GuardRefusal';
	readonly refusalCause: RefusalCause;
	readonly reason: string;
	constructor(cause: RefusalCause, reason: string) {
		super(reason);
		this.refusalCause = cause;
		this.reason = reason;
	}
}
