/* eslint-disable svelte/prefer-svelte-reactivity -- typingSeen is a private bookkeeping Map;
   what renders is the `typing` list, assigned whole. */
import type { SyncedProvider } from './synced-provider.ts';

/**
 * Typing in one conversation, over the awareness of its head document: who else is typing
 * (and where), and this tab's own signal. Nothing is published while the person is idle, so a
 * channel's awareness traffic follows the people typing, not the people present.
 */

export interface TypingPerson {
	id: string;
	name: string;
	/** The thread they are typing in, or null for the channel itself. */
	threadId: string | null;
}

/** Someone who typed keeps showing as typing this long after their last keystroke signal. */
const TYPING_SHOWN_MS = 6_000;
/** How often this tab repeats its own typing signal while the person types. */
const TYPING_SIGNAL_MS = 2_000;
/** Without a keystroke for this long, this tab clears its typing signal. */
const TYPING_IDLE_MS = 4_000;

type Awareness = NonNullable<SyncedProvider['awareness']>;

interface TypingState {
	typing?: unknown;
	at?: unknown;
	threadId?: unknown;
}

interface AwarenessShape {
	user?: { id?: unknown; name?: unknown };
	typing?: TypingState | null;
}

export class ConversationTyping {
	/** The others typing now, in the order their signals came. */
	typing = $state.raw<TypingPerson[]>([]);

	private readonly user: { id: string; name: string };
	/** The awareness of the conversation's head document, where typing travels. */
	private readonly headAwareness: () => Awareness | null;
	private typingSeen = new Map<number, { at: unknown; seen: number }>();
	private typingTimer: ReturnType<typeof setInterval> | null = null;
	private ownTyping: { threadId: string | null; sentAt: number } | null = null;
	private ownTypingTimer: ReturnType<typeof setTimeout> | null = null;
	private offAwareness: (() => void) | null = null;

	constructor(user: { id: string; name: string }, headAwareness: () => Awareness | null) {
		this.user = user;
		this.headAwareness = headAwareness;
	}

	/**
	 * Tells the others that the person is typing (in a thread, or the channel when null), or
	 * that they stopped (false). Repeated calls are throttled.
	 */
	set(threadId: string | null | false): void {
		const awareness = this.headAwareness();
		if (!awareness) return;
		if (this.ownTypingTimer) clearTimeout(this.ownTypingTimer);
		this.ownTypingTimer = null;
		if (threadId === false) {
			if (this.ownTyping) {
				// The stop is sent as a state (Hocuspocus drops a client's removal of its state on
				// the way through `beforeHandleAwareness`); the state itself is withdrawn right after,
				// so that it is not renewed, and the server lets it lapse.
				awareness.setLocalState({ user: { id: this.user.id, name: this.user.name }, typing: null });
				awareness.setLocalState(null);
			}
			this.ownTyping = null;
			return;
		}
		const now = Date.now();
		const same = this.ownTyping?.threadId === threadId;
		if (!same || now - (this.ownTyping?.sentAt ?? 0) >= TYPING_SIGNAL_MS) {
			// The awareness state exists only while typing: an idle tab renews nothing here, so
			// a channel's awareness traffic follows the people typing, not the people present.
			awareness.setLocalState({
				user: { id: this.user.id, name: this.user.name },
				typing: { typing: true, at: now, threadId }
			});
			this.ownTyping = { threadId, sentAt: now };
		}
		this.ownTypingTimer = setTimeout(() => this.set(false), TYPING_IDLE_MS);
	}

	/** Reads typing from this provider's awareness (the head's) from now on. */
	follow(provider: SyncedProvider): void {
		const awareness = provider.awareness;
		if (!awareness) return;
		this.offAwareness?.();
		// Nothing is published here until the person types (see set).
		awareness.setLocalState(null);
		const onChange = () => this.read();
		awareness.on('change', onChange);
		this.offAwareness = () => awareness.off('change', onChange);
	}

	unfollow(): void {
		this.offAwareness?.();
		this.offAwareness = null;
	}

	/** Nobody is shown as typing any more (access is gone). */
	clear(): void {
		this.typing = [];
	}

	destroy(): void {
		if (this.typingTimer) clearInterval(this.typingTimer);
		this.unfollow();
	}

	private read(): void {
		const awareness = this.headAwareness();
		if (!awareness) return;
		const now = Date.now();
		const people: TypingPerson[] = [];
		const seen = new Set<number>();
		for (const [clientId, raw] of awareness.getStates()) {
			if (clientId === awareness.clientID) continue;
			const state = raw as AwarenessShape;
			const id = state.user?.id;
			const typing = state.typing;
			if (typeof id !== 'string' || id === this.user.id || !typing || typing.typing !== true)
				continue;
			seen.add(clientId);
			const previous = this.typingSeen.get(clientId);
			const entry = previous && previous.at === typing.at ? previous : { at: typing.at, seen: now };
			this.typingSeen.set(clientId, entry);
			if (now - entry.seen > TYPING_SHOWN_MS) continue;
			if (people.some((person) => person.id === id)) continue;
			people.push({
				id,
				name: typeof state.user?.name === 'string' ? state.user.name : 'Someone',
				threadId: typeof typing.threadId === 'string' ? typing.threadId : null
			});
		}
		for (const clientId of this.typingSeen.keys())
			if (!seen.has(clientId)) this.typingSeen.delete(clientId);
		const same =
			people.length === this.typing.length &&
			people.every(
				(p, i) => p.id === this.typing[i]?.id && p.threadId === this.typing[i]?.threadId
			);
		if (!same) this.typing = people;
		// While someone shows as typing, look again every second so that it expires.
		if (people.length > 0 && !this.typingTimer) {
			this.typingTimer = setInterval(() => this.read(), 1_000);
		} else if (people.length === 0 && this.typingTimer) {
			clearInterval(this.typingTimer);
			this.typingTimer = null;
		}
	}
}
