import type { Attachment } from 'svelte/attachments';

const CONTROLS = 'a[href], button, input, textarea, select, [tabindex]';

/**
 * A message list is one tab stop (WAI-ARIA roving tabindex): only the current message and its
 * controls are in the tab order; arrow keys move between messages. This takes the controls of
 * every other message out of the tab order, links in rendered markdown included, and puts them
 * back when the message becomes current. `content` lists what re-renders the controls.
 */
export function controlsInTabOrder(
	current: boolean,
	...content: unknown[]
): Attachment<HTMLElement> {
	void content;
	return (message) => {
		for (const control of message.querySelectorAll<HTMLElement>(CONTROLS)) {
			if (current) {
				if (control.dataset.rovingOut !== undefined) {
					control.removeAttribute('tabindex');
					delete control.dataset.rovingOut;
				}
			} else if (control.tabIndex >= 0 && !control.hasAttribute('tabindex')) {
				control.tabIndex = -1;
				control.dataset.rovingOut = '';
			}
		}
	};
}

/** The message to move to for a navigation key, among the rendered ones; undefined for others. */
export function messageFor(
	key: string,
	messages: readonly HTMLElement[],
	from: HTMLElement
): HTMLElement | null | undefined {
	const index = messages.indexOf(from);
	switch (key) {
		case 'ArrowUp':
			return messages[index - 1] ?? null;
		case 'ArrowDown':
			return messages[index + 1] ?? null;
		case 'Home':
			return messages[0] ?? null;
		case 'End':
			return messages.at(-1) ?? null;
		default:
			return undefined;
	}
}
