import { layoutContext } from '$lib/client/app-context.ts';
import type { Attachment } from 'svelte/attachments';
import { call } from '$lib/client/api.ts';
import * as peopleApi from '$lib/shared/api/people.ts';
import type { Profile } from '$lib/shared/api/org.schema.ts';

/** What opened a card: it anchors the popover and gets the focus back when the card closes. */
export type CardOpener = HTMLElement | SVGElement;

/**
 * The profile card of the app: one at a time, opened from wherever a person shows (the
 * directory, the org chart, a message's author, a mention), rendered once by the app layout
 * (ProfileCard.svelte). Places that show people only attach `opener(id)` to the element.
 */
export class ProfileCards {
	/** Whose card is open, and what opened it; null when none is. */
	current = $state.raw<{ personId: string; opener: CardOpener } | null>(null);
	/** The open card's person as last fetched (a card seen before shows at once, then updates). */
	profile = $state.raw<Profile | null>(null);
	error = $state<string | null>(null);
	// Not reactive on purpose: `profile` is what the card shows; this only fills it sooner.
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	private readonly seen = new Map<string, Profile>();
	private asked = 0;

	/** Opens the card of a person next to `opener`; the same opener again closes it (a toggle). */
	open(personId: string, opener: CardOpener): void {
		if (this.current?.personId === personId && this.current.opener === opener) {
			this.close();
			return;
		}
		this.current = { personId, opener };
		void this.load(personId);
	}

	/** Another person's card in place of the open one (their manager's), at the same anchor. */
	show(personId: string): void {
		if (!this.current) return;
		this.current = { personId, opener: this.current.opener };
		void this.load(personId);
	}

	/** Closes the card; returns what opened it, to give the focus back to. */
	close(): CardOpener | null {
		const opener = this.current?.opener ?? null;
		this.current = null;
		this.profile = null;
		this.error = null;
		this.asked++;
		return opener;
	}

	/**
	 * The one way a place opens cards. With an id, a click on the element (a button, or a link
	 * that keeps its address for a new tab) opens that person's card; without, a click on any
	 * descendant carrying `data-person-id` does (the mentions of a rendered message). A click
	 * with a modifier key stays the link's.
	 */
	opener(personId?: string): Attachment<CardOpener> {
		return (element) => {
			if (personId) element.setAttribute('aria-haspopup', 'dialog');
			const onclick = (event: Event) => {
				const mouse = event as MouseEvent;
				if (mouse.defaultPrevented || mouse.button !== 0) return;
				if (mouse.metaKey || mouse.ctrlKey || mouse.shiftKey || mouse.altKey) return;
				const target = personId
					? element
					: (event.target as Element | null)?.closest<CardOpener>('[data-person-id]');
				if (!target || !element.contains(target)) return;
				const id = personId ?? target.getAttribute('data-person-id');
				if (!id) return;
				event.preventDefault();
				this.open(id, target);
			};
			element.addEventListener('click', onclick);
			return () => element.removeEventListener('click', onclick);
		};
	}

	private async load(personId: string): Promise<void> {
		const ask = ++this.asked;
		this.profile = this.seen.get(personId) ?? null;
		this.error = null;
		try {
			const profile = await call(peopleApi.profile, { params: { id: personId } });
			this.seen.set(personId, profile);
			if (ask === this.asked) this.profile = profile;
		} catch (caught) {
			if (ask !== this.asked) return;
			// A card seen before stays as it was; only a card never seen says it failed.
			if (!this.profile) {
				this.error = caught instanceof Error ? caught.message : 'Could not load this profile.';
			}
		}
	}
}

/** The app layout's profile cards, for the components below it. */
export const [getProfileCards, setProfileCards] = layoutContext<ProfileCards>('profile cards');
