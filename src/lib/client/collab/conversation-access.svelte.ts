/**
 * What the person may do in one conversation right now: their rights (from the channel list),
 * whether the server opened it read-only, and whether its end (a project room's) has passed.
 * The write commands ask here before they touch a document, so that the server never has to
 * refuse what the UI could have known.
 */

export interface ConversationRights {
	/** Post, edit and delete own messages. */
	post: boolean;
	/** React and mark as read. */
	react: boolean;
	/** Delete other people's messages. */
	moderate: boolean;
}

/** setTimeout's longest delay (about 24.8 days): a later end is waited for in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class ConversationAccess {
	rights = $state<ConversationRights>({ post: false, react: false, moderate: false });
	/** The server gave a read-only connection (an ended project room, an archived channel). */
	readOnly = $state(false);
	/**
	 * The conversation's end has passed (a project room): read-only from that moment, without
	 * waiting for the server to say so (it refuses writes from then on, and reconnects us).
	 */
	ended = $state(false);

	/** Whether access is gone altogether (the conversation was revoked). */
	private readonly revoked: () => boolean;
	/** Called when the end arrives (typing stops). */
	private readonly onEnded: () => void;
	private endTimer: ReturnType<typeof setTimeout> | null = null;
	private destroyed = false;

	constructor(
		rights: ConversationRights,
		options: { revoked: () => boolean; onEnded: () => void }
	) {
		this.rights = { ...rights };
		this.revoked = options.revoked;
		this.onEnded = options.onEnded;
	}

	setRights(rights: ConversationRights): void {
		this.rights = { ...rights };
	}

	/** The conversation's end (ms), or null: it turns read-only at that moment. */
	setEndsAt(endsAt: number | null): void {
		if (this.endTimer) clearTimeout(this.endTimer);
		this.endTimer = null;
		const remaining = endsAt === null ? Infinity : endsAt - Date.now();
		this.ended = remaining <= 0;
		if (this.ended) {
			this.onEnded();
			return;
		}
		if (endsAt === null || this.destroyed) return;
		this.endTimer = setTimeout(() => this.setEndsAt(endsAt), Math.min(remaining, MAX_TIMER_MS));
	}

	canPost(): boolean {
		return this.rights.post && this.writable();
	}

	canReact(): boolean {
		return this.rights.react && this.writable();
	}

	canModerate(): boolean {
		return this.rights.moderate && this.writable();
	}

	writable(): boolean {
		return !this.readOnly && !this.ended && !this.revoked();
	}

	destroy(): void {
		this.destroyed = true;
		if (this.endTimer) clearTimeout(this.endTimer);
	}
}
