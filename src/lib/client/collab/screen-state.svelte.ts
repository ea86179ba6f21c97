import { layoutContext } from '$lib/client/app-context.ts';

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

/** The app layout's screen state, for the components below it. */
export const [getScreenState, setScreenState] = layoutContext<ScreenState>('screen state');
