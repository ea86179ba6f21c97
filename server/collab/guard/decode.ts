import * as Y from 'yjs';
import { normalize, type Range } from './ranges.ts';
import { readSections } from './sections.ts';

export type Struct = Y.Item | Y.GC | Y.Skip;

export interface DecodedUpdate {
	/** Each client's structs in clock order; every client appears once (see sections.ts). */
	byClient: Map<number, Struct[]>;
	/** Deleted ranges per client, sorted and merged (see ranges.ts). */
	deletions: Map<number, Range[]>;
	isEmpty: boolean;
}

/** Both readings must describe the same structs, or the update is not what it seems. */
function sameLayout(structs: Struct[], sections: Array<{ client: number; count: number }>) {
	let index = 0;
	for (const section of sections) {
		for (let i = 0; i < section.count; i++, index++) {
			if (structs[index]?.id.client !== section.client) return false;
		}
	}
	return index === structs.length;
}

function group(structs: Struct[]): Map<number, Struct[]> {
	const byClient = new Map<number, Struct[]>();
	for (const struct of structs) {
		const list = byClient.get(struct.id.client) ?? [];
		byClient.set(struct.id.client, list);
		list.push(struct);
	}
	return byClient;
}

/** Decodes a v1 update, or says why it is refused. Never throws. */
export function decodeGuarded(update: Uint8Array): DecodedUpdate | string {
	try {
		const { structs, ds } = Y.decodeUpdate(update);
		const sections = readSections(update);
		if (typeof sections === 'string') return sections;
		if (!sameLayout(structs, sections)) return 'the update does not decode consistently';
		const deletions = new Map([...ds.clients].map(([client, items]) => [client, normalize(items)]));
		return {
			byClient: group(structs),
			deletions,
			isEmpty: structs.length === 0 && ds.clients.size === 0
		};
	} catch (error) {
		return `the update does not decode (${error instanceof Error ? error.message : 'unknown error'})`;
	}
}
