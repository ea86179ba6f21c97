import { getContext, setContext } from 'svelte';

/**
 * What the app shell shows besides the page, shared by components that are far apart in the
 * tree: the search panel, a message a search result asks its channel's page to bring into
 * view, and requests to show the navigation. One per tab, created by the app layout and handed
 * down by context; it holds no chat data (that is the chat store's).
 */
export class ScreenState {
	/** The message search panel is open. */
	searchOpen = $state(false);
	/** The notifications panel is open (the bell). */
	notificationsOpen = $state(false);
	/** A message to bring into view (a search result), picked up by its channel's page. */
	revealRequest = $state.raw<{ channelId: string; messageId: string } | null>(null);
	/** Bumped to ask the shell to show the navigation (the back button on phones). */
	navigationRequests = $state(0);

	requestNavigation(): void {
		this.navigationRequests++;
	}
}

const SCREEN_STATE = Symbol('connectflow-screen-state');

export function setScreenState(screen: ScreenState): ScreenState {
	return setContext(SCREEN_STATE, screen);
}

export function getScreenState(): ScreenState {
	const screen = getContext<ScreenState | undefined>(SCREEN_STATE);
	if (!screen) throw new Error('No screen state: render inside the app layout.');
	return screen;
}
