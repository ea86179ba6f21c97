import { plainText } from '$lib/client/collab/markdown.ts';
import { highlight, type Highlighted } from './highlight.ts';

/**
 * A search result's snippet: the message as a reader sees it, without its markdown marks
 * ("**Deploy** at `noon`" shows as "Deploy at noon"), then cut around the first match with the
 * matches marked. Plain text: it is never rendered as HTML.
 */
export function snippet(text: string, terms: readonly string[], maxLength = 240): Highlighted {
	return highlight(plainText(text), terms, maxLength);
}
