import * as Y from 'yjs';
import { parseEntryKey } from '#shared/chat/keys.ts';
import { entryValueProblem } from '#shared/chat/values.ts';
import type { WrittenEntry } from './actor.ts';
import { outsideArea } from './areas.ts';
import type { Fresh } from './fresh.ts';
import { covers, type Range } from './ranges.ts';
import { type PlaceContext, placeOfServerItem, placeOfUpdateItem } from './places.ts';

/**
 * New items may only be entries of the actor's own map, holding a valid plain value (or nothing:
 * an item that was already replaced before it was sent carries ContentDeleted).
 */

/** Longer runs of deleted content are crafted: clocks near 2^53 stop being exact. */
const MAX_ITEM_LENGTH = 1_000_000;

function contentProblem(item: Y.Item, deletedByUpdate: boolean): string | null {
	if (item.length > MAX_ITEM_LENGTH) return 'item too long';
	if (item.content instanceof Y.ContentDeleted) return null;
	if (!(item.content instanceof Y.ContentAny)) return 'only plain values may be stored';
	// Several values in one item: consecutive replaced values of one key, merged by a client that
	// does not garbage-collect (checked: Y.Doc({ gc: false })). Such an item is always wholly
	// replaced, so it is accepted only when the same update deletes all of it.
	if (item.length === 1 || deletedByUpdate) return null;
	return 'a map entry holds exactly one value';
}

function checkItem(
	ctx: PlaceContext,
	item: Y.Item,
	actorRoot: string,
	deletedByUpdate: boolean
): WrittenEntry | string | null {
	const problem = contentProblem(item, deletedByUpdate);
	if (problem) return problem;
	const place = placeOfUpdateItem(ctx, item);
	if (typeof place === 'string') return place;
	if (place.root !== actorRoot) throw outsideArea('writes', place.root, actorRoot);
	const key = parseEntryKey(place.key);
	if (!key) return `invalid key "${place.key.slice(0, 80)}"`;
	if (!(item.content instanceof Y.ContentAny)) return null;
	for (const value of item.content.arr as unknown[]) {
		const valueProblem = entryValueProblem(key, value);
		if (valueProblem) return `${place.key}: ${valueProblem}`;
	}
	return deletedByUpdate ? null : { key: place.key, value: item.content.arr[0] as unknown };
}

/**
 * Client ids are chosen by clients and prove nothing, but once the server holds content of a
 * client id, that id is bound to the area its first item is in. Without this, anyone could send
 * items under another writer's client id at the clocks that writer will use next; the server
 * would then ignore the writer's real items as already known, and the writer's copy diverges.
 */
function clientProblem(ctx: PlaceContext, client: number, actorRoot: string): string | null {
	const first = ctx.doc.store.clients.get(client)?.[0];
	if (!first) return null;
	const place = placeOfServerItem(ctx, first);
	return typeof place !== 'string' && place.root === actorRoot
		? null
		: `client id ${client} belongs to another writer`;
}

/** Checks the update's items; returns the values written, or why the update is refused. */
export function checkItems(
	ctx: PlaceContext,
	fresh: Fresh,
	actorRoot: string,
	deletions: Map<number, Range[]>
): WrittenEntry[] | string {
	for (const item of fresh.known) {
		const place = placeOfUpdateItem(ctx, item);
		if (typeof place === 'string') return place;
	}
	const written: WrittenEntry[] = [];
	const clients = new Set<number>();
	for (const { item } of fresh.items) {
		const deleted = covers(deletions.get(item.id.client) ?? [], item.id.clock, item.length);
		const result = checkItem(ctx, item, actorRoot, deleted);
		if (typeof result === 'string') return result;
		if (result) written.push(result);
		clients.add(item.id.client);
	}
	for (const client of clients) {
		const problem = clientProblem(ctx, client, actorRoot);
		if (problem) return problem;
	}
	return written;
}
