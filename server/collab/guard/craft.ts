import * as encoding from 'lib0/encoding';

/**
 * Writes Yjs v1 updates by hand, for tests of updates that no Yjs document would produce.
 * Layout as in Yjs's UpdateEncoderV1 / readClientsStructRefs.
 */

export interface CraftedItem {
	origin?: [number, number];
	rightOrigin?: [number, number];
	/** Top-level name and key; written only when there is no origin (as Yjs does). */
	parent?: [string, string];
	/** Plain values (ContentAny), or a run of deleted content. */
	content: unknown[] | { deleted: number };
}

export interface CraftedSection {
	client: number;
	clock: number;
	items: CraftedItem[];
}

function writeId(e: encoding.Encoder, [client, clock]: [number, number]) {
	encoding.writeVarUint(e, client);
	encoding.writeVarUint(e, clock);
}

function writeItem(e: encoding.Encoder, item: CraftedItem) {
	const deleted = !Array.isArray(item.content);
	const info =
		(deleted ? 1 : 8) |
		(item.origin ? 128 : 0) |
		(item.rightOrigin ? 64 : 0) |
		(!item.origin && !item.rightOrigin ? 32 : 0);
	encoding.writeUint8(e, info);
	if (item.origin) writeId(e, item.origin);
	if (item.rightOrigin) writeId(e, item.rightOrigin);
	if (!item.origin && !item.rightOrigin) {
		const [root, key] = item.parent ?? ['', ''];
		encoding.writeVarUint(e, 1);
		encoding.writeVarString(e, root);
		encoding.writeVarString(e, key);
	}
	if (Array.isArray(item.content)) {
		encoding.writeVarUint(e, item.content.length);
		for (const value of item.content) encoding.writeAny(e, value as encoding.AnyEncodable);
	} else encoding.writeVarUint(e, item.content.deleted);
}

export function craftUpdate(
	sections: CraftedSection[],
	deletions: Array<[client: number, clock: number, len: number]> = []
): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, sections.length);
	for (const section of sections) {
		encoding.writeVarUint(e, section.items.length);
		writeId(e, [section.client, section.clock]);
		section.items.forEach((item) => writeItem(e, item));
	}
	encoding.writeVarUint(e, deletions.length);
	for (const [client, clock, len] of deletions) {
		encoding.writeVarUint(e, client);
		encoding.writeVarUint(e, 1);
		writeId(e, [clock, len]);
	}
	return encoding.toUint8Array(e);
}
