import * as Y from 'yjs';
import { parseUserRoot, SERVER_ROOT } from '../../../src/lib/shared/chat/keys.ts';

/** Reads of the server's copy that change nothing in it (doc.getMap would create or retype). */

export function rootType(doc: Y.Doc, name: string): Y.AbstractType<unknown> | undefined {
	return doc.share.get(name) as Y.AbstractType<unknown> | undefined;
}

/** The value a top-level map holds for `key`, or undefined when none (or deleted). */
export function liveValue(doc: Y.Doc, root: string, key: string): unknown {
	const item = rootType(doc, root)?._map.get(key);
	if (!item || item.deleted) return undefined;
	const content = item.content.getContent();
	return content[content.length - 1];
}

const SERVER_AREA = "the server's area";
const PERSONS_AREA = "another person's area";

/** Words for a refusal: whose area a change landed in. */
export function describeRoot(root: string, actorRoot: string): string {
	if (root === actorRoot) return 'your own area';
	if (root === SERVER_ROOT) return SERVER_AREA;
	if (parseUserRoot(root)) return PERSONS_AREA;
	return `an unknown top-level type "${root.slice(0, 40)}"`;
}

/** Whether a refusal is of a write or deletion in someone else's area (describeRoot's words). */
export function isElsewhere(reason: string): boolean {
	return [SERVER_AREA, PERSONS_AREA].some(
		(area) => reason.startsWith(`writes in ${area}`) || reason.startsWith(`deletes in ${area}`)
	);
}
