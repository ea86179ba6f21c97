/**
 * One visit to a conversation, as Slack and Mattermost keep it: the "New messages" divider sits
 * above the message that was the first unread one when the visit began, and stays there for the
 * visit (reading does not move it) until the reader has reached the newest message and more
 * arrive. The read mark moves only as messages are seen on screen (`seen`), never merely because
 * the conversation is open.
 */

/** What the marker needs of a conversation (conversation.svelte.ts). */
export interface MarkedConversation {
	readonly channelId: string;
	readonly messages: readonly { id: string; authorId: string }[];
	readonly firstUnreadId: string | null;
	position(messageId: string): number;
	readonly readPosition: number;
	markReadUpTo(messageId: string): void;
}

export class UnreadMarker {
	/** The message the divider sits above for this visit, or null. */
	dividerId = $state<string | null>(null);
	/**
	 * The visit's opening place was taken (the view is at the divider, or at the bottom): from
	 * now on, messages on screen count as read.
	 */
	placed = $state(false);
	/** The opening place is being taken (the view scrolls there). */
	opening = false;

	private conversation: MarkedConversation | null = null;
	private readonly selfId: string;
	private reachedBottom = false;
	private lastId: string | null = null;

	constructor(selfId: string) {
		this.selfId = selfId;
	}

	/** A new visit (another conversation, or the same one opened again). */
	begin(conversation: MarkedConversation | null): void {
		this.conversation = conversation;
		this.dividerId = null;
		this.placed = false;
		this.opening = false;
		this.reachedBottom = false;
		this.lastId = null;
	}

	/**
	 * Once what is unread is known: where the visit opens. Returns the message to show first
	 * (the first unread, under the divider), or null to open at the newest message. Call
	 * `placed()` once the view is there.
	 */
	place(): string | null {
		const conversation = this.conversation;
		if (!conversation || this.opening) return this.dividerId;
		this.opening = true;
		this.dividerId = conversation.firstUnreadId;
		this.lastId = conversation.messages.at(-1)?.id ?? null;
		return this.dividerId;
	}

	/** The view is at the opening place: reading starts. */
	settle(): void {
		if (this.opening) this.placed = true;
	}

	/**
	 * Messages on screen in a visible tab: the read mark moves to the newest of them (and never
	 * back; the conversation ignores marks behind the current one).
	 */
	seen(messageIds: readonly string[]): void {
		const conversation = this.conversation;
		if (!conversation || !this.placed || messageIds.length === 0) return;
		let newest: string | null = null;
		let newestAt = conversation.readPosition;
		for (const id of messageIds) {
			const at = conversation.position(id);
			if (at > newestAt) {
				newest = id;
				newestAt = at;
			}
		}
		if (newest !== null) conversation.markReadUpTo(newest);
	}

	/** Where the reader is: at the newest message or not. */
	scrolled(atBottom: boolean): void {
		if (atBottom && this.placed) this.reachedBottom = true;
	}

	/**
	 * The conversation's messages changed. Others' new messages after the reader reached the
	 * bottom take the divider away while the tab is looked at; in a hidden tab they get a divider
	 * of their own, as on coming back to Slack.
	 */
	changed(hidden: boolean): void {
		const conversation = this.conversation;
		if (!conversation || !this.placed) return;
		const last = conversation.messages.at(-1) ?? null;
		const lastId = last?.id ?? null;
		if (lastId === this.lastId) return;
		this.lastId = lastId;
		if (!last || last.authorId === this.selfId) return;
		if (hidden) {
			if (this.dividerId === null || this.reachedBottom) {
				this.dividerId = conversation.firstUnreadId;
				this.reachedBottom = false;
			}
		} else if (this.reachedBottom) {
			this.dividerId = null;
		}
	}
}
