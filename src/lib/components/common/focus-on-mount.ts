/**
 * An attachment (`{@attach focusOnMount}`) that focuses its element as it appears: the confirm
 * button of an inline question, so Enter or Space answers it.
 */
export function focusOnMount(element: HTMLElement): void {
	element.focus();
}
