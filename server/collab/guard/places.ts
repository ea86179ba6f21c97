import * as Y from 'yjs';
import type { Struct } from './decode.ts';

/**
 * Where an item lands: a key directly in a top-level map. That is the only place a channel
 * document has, so anything else (list content, nested types, unknown references) is refused.
 *
 * Yjs does not encode the parent of an item that has an origin: it copies parent and key from
 * the item it was inserted after (Item.getMissing). An edit of a map entry is exactly that: a
 * new item whose origin is the previous value and whose parent and key are not in the update.
 * So the place is found by following origins, through the update and then the server's copy.
 */
export interface Place {
	root: string;
	key: string;
}

export interface PlaceContext {
	doc: Y.Doc;
	/** Top-level types of the server's copy → their names (inverse of doc.share). */
	rootNames: Map<unknown, string>;
	byClient: Map<number, Struct[]>;
	/** Memo: items of the update already placed. */
	placed: Map<Y.Item, Place>;
}

export function placeContext(doc: Y.Doc, byClient: Map<number, Struct[]>): PlaceContext {
	const rootNames = new Map<unknown, string>();
	for (const [name, type] of doc.share) rootNames.set(type, name);
	return { doc, rootNames, byClient, placed: new Map() };
}

export const serverState = (ctx: PlaceContext, client: number) => Y.getState(ctx.doc.store, client);

/** The server's struct holding `id`; null when the server does not have it. */
export function serverStruct(ctx: PlaceContext, id: Y.ID): Y.Item | Y.GC | null {
	// getItem expects the id to exist: it throws (or worse) when it does not, so check first.
	if (id.clock >= serverState(ctx, id.client)) return null;
	return Y.getItem(ctx.doc.store, id);
}

/** The place of an item integrated in the server's copy. */
export function placeOfServerItem(ctx: PlaceContext, item: Y.Item | Y.GC): Place | string {
	if (!(item instanceof Y.Item)) return 'refers to garbage-collected content';
	const parent = item.parent as Y.AbstractType<unknown> | null;
	const root = parent && parent._item === null ? ctx.rootNames.get(parent) : undefined;
	if (root === undefined || item.parentSub === null) return 'refers to content outside a map';
	return { root, key: item.parentSub };
}

function updateStruct(ctx: PlaceContext, id: Y.ID): Struct | null {
	const list = ctx.byClient.get(id.client) ?? [];
	let low = 0;
	let high = list.length - 1;
	while (low <= high) {
		const middle = (low + high) >> 1;
		const struct = list[middle] as Struct;
		if (id.clock < struct.id.clock) high = middle - 1;
		else if (id.clock >= struct.id.clock + struct.length) low = middle + 1;
		else return struct;
	}
	return null;
}

/** The place an item states itself, or the id of the item it copies its place from. */
function ownPlace(item: Y.Item): Place | Y.ID | string {
	// Map entries are written with an origin (the previous value) but never a right origin.
	if (item.rightOrigin) return 'has a right origin (list content)';
	const parent: unknown = item.parent;
	if (typeof parent === 'string') {
		return item.parentSub === null
			? 'list content in a top-level type'
			: { root: parent, key: item.parentSub };
	}
	if (parent !== null) return 'nested shared types are not allowed';
	return item.origin ?? 'has neither parent nor origin';
}

/** What `item` copies its place from: the server's copy if it has the id, else the update. */
function follow(ctx: PlaceContext, item: Y.Item, origin: Y.ID): Place | Y.Item | string {
	const inServer = serverStruct(ctx, origin);
	if (inServer) return placeOfServerItem(ctx, inServer);
	// Yjs would look this up before integrating the item itself: it must come earlier.
	if (origin.client === item.id.client && origin.clock >= item.id.clock) {
		return 'refers to later content';
	}
	const inUpdate = updateStruct(ctx, origin);
	return inUpdate instanceof Y.Item ? inUpdate : 'refers to content the server does not have';
}

/** The place of an item of the update. Iterative: chains of edits can be long. */
export function placeOfUpdateItem(ctx: PlaceContext, start: Y.Item): Place | string {
	const chain: Y.Item[] = [];
	const onChain = new Set<Y.Item>();
	let item = start;
	let place: Place | string | undefined = ctx.placed.get(item);
	while (place === undefined) {
		if (onChain.has(item)) return 'origins form a cycle';
		chain.push(item);
		onChain.add(item);
		const own = ownPlace(item);
		const next = own instanceof Y.ID ? follow(ctx, item, own) : own;
		if (next instanceof Y.Item) {
			item = next;
			place = ctx.placed.get(item);
		} else place = next;
	}
	if (typeof place === 'string') return place;
	for (const link of chain) ctx.placed.set(link, place);
	return place;
}
