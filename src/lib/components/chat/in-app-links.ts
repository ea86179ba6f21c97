import type { Attachment } from 'svelte/attachments';
import { goto } from '$app/navigation';

/**
 * Links inside a message that point into this app (a breakout summary's transcript, a pasted
 * link to a channel) open in place, as Slack's do, instead of in a new tab; a click with a
 * modifier key, or a link elsewhere, keeps the browser's way (a new tab).
 */
export function inAppLinks(): Attachment<HTMLElement> {
	return (element) => {
		const onclick = (event: MouseEvent) => {
			if (event.defaultPrevented || event.button !== 0) return;
			if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
			const link = (event.target as Element | null)?.closest?.('a[href]');
			if (!(link instanceof HTMLAnchorElement) || !element.contains(link)) return;
			const url = new URL(link.href, location.href);
			if (url.origin !== location.origin) return;
			event.preventDefault();
			// A path of this very app, checked above.
			// eslint-disable-next-line svelte/no-navigation-without-resolve
			void goto(`${url.pathname}${url.search}${url.hash}`);
		};
		element.addEventListener('click', onclick);
		return () => element.removeEventListener('click', onclick);
	};
}
