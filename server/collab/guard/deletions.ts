import * as Y from 'yjs';
import { parseEntryKey, parseUserRoot } from '#shared/chat/keys.ts';
import type { Actor, ModeratedMessage } from './actor.ts';
import { outsideArea } from './areas.ts';
import { type Place, type PlaceContext, placeOfServerItem, serverState } from './places.ts';
import type { Range } from './ranges.ts';

/**
 * Every deleted range must name content that exists, and each live item in it must be the
 * actor's own, or another person's message deleted by a moderator. Ranges over content that is
 * already deleted change nothing and pass: a client's full-state sync carries the delete set of
 * the whole document, other people's deletions included.
 */

export interface Deletions {
	/** Live items of the server's copy this update deletes. */
	effective: number;
	/** Keys of the actor's own map whose value this update deletes. */
	ownKeys: string[];
	moderated: ModeratedMessage[];
}

/** Counts a deletion the actor may make; throws the refusal of one they may not. */
function allow(place: Place, actor: Actor, actorRoot: string, out: Deletions): void {
	if (place.root === actorRoot) {
		out.ownKeys.push(place.key);
		return;
	}
	const authorId = parseUserRoot(place.root);
	const key = parseEntryKey(place.key);
	if (actor.canModerate && authorId && key?.kind === 'message') {
		out.moderated.push({ authorId, messageId: key.messageId });
		return;
	}
	throw outsideArea('deletes', place.root, actorRoot);
}

function checkServerPart(
	ctx: PlaceContext,
	client: number,
	range: Range,
	actor: Actor,
	actorRoot: string,
	out: Deletions
): string | null {
	const structs = ctx.doc.store.clients.get(client) ?? [];
	const stop = Math.min(range.clock + range.len, serverState(ctx, client));
	for (let i = Y.findIndexSS(structs, range.clock); i < structs.length; i++) {
		const struct = structs[i] as Y.Item | Y.GC;
		if (struct.id.clock >= stop) break;
		if (struct.deleted) continue;
		const place = placeOfServerItem(ctx, struct);
		if (typeof place === 'string') return place;
		allow(place, actor, actorRoot, out);
		out.effective++;
	}
	return null;
}

export function checkDeletions(
	ctx: PlaceContext,
	deletions: Map<number, Range[]>,
	ends: Map<number, number>,
	actor: Actor,
	actorRoot: string
): Deletions | string {
	const out: Deletions = { effective: 0, ownKeys: [], moderated: [] };
	for (const [client, ranges] of deletions) {
		const state = serverState(ctx, client);
		for (const range of ranges) {
			// Beyond the server's clock only the update's own new items can be deleted.
			if (range.clock + range.len > (ends.get(client) ?? state)) {
				return 'deletes content the server does not have';
			}
			if (range.clock >= state) continue;
			const problem = checkServerPart(ctx, client, range, actor, actorRoot, out);
			if (problem) return problem;
		}
	}
	return out;
}
