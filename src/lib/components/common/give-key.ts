/**
 * A text field that keeps the focus while a bits-ui Command list beside it takes the keys that
 * move and pick (the @mention list, search suggestions and results): the field hands each key
 * to the list's root as the same keydown, and the Command's own key map decides. Keys with a
 * modifier stay the field's (and the page's shortcuts); Home and End move the caret, as in any
 * combobox; Tab picks, as Enter does (as Slack's autocomplete does).
 */
export function giveKey(list: HTMLElement | null | undefined, event: KeyboardEvent): boolean {
	if (!list || event.isComposing || event.altKey || event.ctrlKey || event.metaKey) return false;
	// Escape is the field's: it closes the list (and bits-ui's escape layer would take a copy).
	if (event.key === 'Escape' || event.key === 'Home' || event.key === 'End') return false;
	if (event.key === 'Tab' && event.shiftKey) return false;
	const given = new KeyboardEvent('keydown', {
		key: event.key === 'Tab' ? 'Enter' : event.key,
		bubbles: true,
		cancelable: true
	});
	list.dispatchEvent(given);
	if (given.defaultPrevented) event.preventDefault();
	return given.defaultPrevented;
}
