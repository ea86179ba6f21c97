import * as Y from 'yjs';
import { GuardRefusal } from './actor.ts';
import type { Struct } from './decode.ts';
import { type PlaceContext, serverState } from './places.ts';

/** The refusal of a gap: what Yjs would keep pending. */
const DEPENDS_ON_MISSING = 'depends on content the server does not have';

/**
 * Which structs of the update are new to the server, the way Y.applyUpdate decides it: a struct
 * wholly below the server's clock for its client is already there and skipped; one that starts
 * beyond it depends on content the server does not have and would stay pending, waiting to be
 * completed by someone else's update. Pending content is never accepted.
 */
export interface Fresh {
	/** New items and how much of their start the server already has. */
	items: Array<{ item: Y.Item; offset: number }>;
	/** Items the server already has (ignored by Yjs, but their references must resolve). */
	known: Y.Item[];
	/** Per client, the clock after the last new struct: what the deletions may refer to. */
	ends: Map<number, number>;
}

function plan(ctx: PlaceContext, client: number, structs: Struct[], fresh: Fresh): string | null {
	let next = serverState(ctx, client);
	for (const struct of structs) {
		// A Skip is a hole: Yjs applies nothing for it and does not advance the clock.
		if (struct instanceof Y.Skip) continue;
		if (struct.id.clock > next) throw new GuardRefusal('gap', DEPENDS_ON_MISSING);
		const end = struct.id.clock + struct.length;
		if (end <= next) {
			if (struct instanceof Y.Item) fresh.known.push(struct);
			continue;
		}
		if (!(struct instanceof Y.Item)) return 'garbage-collected content cannot be added';
		fresh.items.push({ item: struct, offset: next - struct.id.clock });
		next = end;
	}
	fresh.ends.set(client, next);
	return null;
}

export function freshStructs(ctx: PlaceContext, byClient: Map<number, Struct[]>): Fresh | string {
	const fresh: Fresh = { items: [], known: [], ends: new Map() };
	for (const [client, structs] of byClient) {
		const problem = plan(ctx, client, structs, fresh);
		if (problem) return problem;
	}
	return fresh;
}
