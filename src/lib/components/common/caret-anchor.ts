/**
 * Where a character of a text field sits on the screen, so that a popup (the @mention list) can
 * open at it. Browsers have no API for a character's box in a <textarea> or <input>: a hidden
 * copy of the field with the same box and text metrics holds the text before the character and
 * a marker for it; the marker's offset, moved by the field's own box and scroll, is the
 * character's box. Only the measuring is ours: bits-ui's floating layer places the popup.
 */

const COPIED_STYLES = [
	'boxSizing',
	'width',
	'height',
	'overflowX',
	'overflowY',
	'borderTopWidth',
	'borderRightWidth',
	'borderBottomWidth',
	'borderLeftWidth',
	'borderStyle',
	'paddingTop',
	'paddingRight',
	'paddingBottom',
	'paddingLeft',
	'fontStyle',
	'fontVariant',
	'fontWeight',
	'fontStretch',
	'fontSize',
	'fontFamily',
	'lineHeight',
	'letterSpacing',
	'wordSpacing',
	'textAlign',
	'textTransform',
	'textIndent',
	'tabSize'
] as const;

type TextField = HTMLTextAreaElement | HTMLInputElement;

/** The on-screen box of the character at `index` of the field's value. */
export function characterRect(field: TextField, index: number): DOMRect {
	const style = getComputedStyle(field);
	const copy = document.createElement('div');
	for (const property of COPIED_STYLES) copy.style[property] = style[property];
	copy.style.position = 'absolute';
	copy.style.visibility = 'hidden';
	copy.style.top = '0';
	copy.style.left = '-9999px';
	copy.style.whiteSpace = field instanceof HTMLTextAreaElement ? 'pre-wrap' : 'pre';
	copy.style.overflowWrap = 'break-word';
	copy.textContent = field.value.slice(0, index);
	const marker = document.createElement('span');
	marker.textContent = field.value.slice(index, index + 1) || '\u200b';
	copy.append(marker);
	document.body.append(copy);
	const box = field.getBoundingClientRect();
	const left = box.left + field.clientLeft + marker.offsetLeft - field.scrollLeft;
	const top = box.top + field.clientTop + marker.offsetTop - field.scrollTop;
	const rect = new DOMRect(left, top, marker.offsetWidth, marker.offsetHeight);
	copy.remove();
	return rect;
}

/** An anchor for bits-ui's floating content: the character at `index()` of the field. */
export function characterAnchor(field: TextField, index: () => number) {
	return {
		getBoundingClientRect: () => characterRect(field, index()),
		// Floating UI follows the scrolling and resizing of this element's ancestors.
		contextElement: field
	};
}
