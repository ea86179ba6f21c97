import * as Y from 'yjs';
import { parseUserRoot, SERVER_ROOT } from '#shared/chat/keys.ts';
import { GuardRefusal } from './actor.ts';

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

/** Words for a refusal: whose area a change landed in. */
export function describeRoot(root: string, actorRoot: string): string {
	if (root === actorRoot) return 'your own area';
	if (root === SERVER_ROOT) return "the server's area";
	if (parseUserRoot(root)) return "another person's area";
	return `an unknown top-level type "${root.slice(0, 40)}"`;
}

/**
 * The refusal of a write or deletion outside the actor's own area: in the server's or another
 * person's ("elsewhere"), or in a top-level type the schema does not have ("invalid").
 */
export function outsideArea(
	change: 'writes' | 'deletes',
	root: string,
	actorRoot: string
): GuardRefusal {
	const elsewhere = root === SERVER_ROOT || parseUserRoot(root) !== null;
	return new GuardRefusal(
		elsewhere ? 'elsewhere' : 'invalid',
		`${change} in ${describeRoot(root, actorRoot)}`
	);
}
