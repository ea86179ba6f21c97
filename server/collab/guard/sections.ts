import * as decoding from 'lib0/decoding';

/**
 * A second reading of a Yjs v1 update that keeps what `Y.decodeUpdate` throws away: where each
 * client's section starts. It matters because `Y.applyUpdate` keeps only the LAST section of a
 * client that appears twice (readClientsStructRefs overwrites it), while `Y.decodeUpdate` lists
 * both. An update "A then B" for one client would look contiguous to a checker but leave B
 * pending on the server, to be integrated later against content someone else sends, in their map.
 * Checked by experiment. Honest encoders write each client once, so twice is refused.
 *
 * It reads only what a channel document may contain (deleted and plain-value items, GC and Skip
 * markers); any other content is refused here, which the item checks would refuse anyway.
 */

export interface Section {
	client: number;
	clock: number;
	count: number;
}

const CONTENT_DELETED = 1;
const CONTENT_ANY = 8;
const SKIP = 10;
const CONTENT_REF = 0b11111;
const HAS_PARENT_SUB = 0b100000;
const HAS_RIGHT_ORIGIN = 0b1000000;
const HAS_ORIGIN = 0b10000000;

const readId = (decoder: decoding.Decoder) => {
	decoding.readVarUint(decoder);
	decoding.readVarUint(decoder);
};

function skipItem(decoder: decoding.Decoder, info: number): string | null {
	if (info & HAS_ORIGIN) readId(decoder);
	if (info & HAS_RIGHT_ORIGIN) readId(decoder);
	if ((info & (HAS_ORIGIN | HAS_RIGHT_ORIGIN)) === 0) {
		if (decoding.readVarUint(decoder) === 1) decoding.readVarString(decoder);
		else readId(decoder);
		if (info & HAS_PARENT_SUB) decoding.readVarString(decoder);
	}
	const content = info & CONTENT_REF;
	if (content === CONTENT_DELETED) decoding.readVarUint(decoder);
	else if (content === CONTENT_ANY) {
		const length = decoding.readVarUint(decoder);
		for (let i = 0; i < length; i++) decoding.readAny(decoder);
	} else return `content of kind ${content} is not allowed (only plain values)`;
	return null;
}

function skipStruct(decoder: decoding.Decoder): string | null {
	// Same tests, in the same order, as Yjs's lazy struct reader behind decodeUpdate.
	const info = decoding.readUint8(decoder);
	if (info === SKIP || (info & CONTENT_REF) === 0) {
		decoding.readVarUint(decoder);
		return null;
	}
	return skipItem(decoder, info);
}

function skipDeleteSet(decoder: decoding.Decoder): void {
	const clients = decoding.readVarUint(decoder);
	for (let i = 0; i < clients; i++) {
		decoding.readVarUint(decoder);
		const ranges = decoding.readVarUint(decoder);
		for (let j = 0; j < ranges; j++) readId(decoder);
	}
}

/** The sections of a v1 update, or why it is refused. Throws on bytes that do not decode. */
export function readSections(update: Uint8Array): Section[] | string {
	const decoder = decoding.createDecoder(update);
	const sections: Section[] = [];
	const seen = new Set<number>();
	const count = decoding.readVarUint(decoder);
	for (let i = 0; i < count; i++) {
		const section = {
			count: decoding.readVarUint(decoder),
			client: decoding.readVarUint(decoder),
			clock: decoding.readVarUint(decoder)
		};
		if (seen.has(section.client)) return `client ${section.client} appears twice in the update`;
		seen.add(section.client);
		sections.push(section);
		for (let j = 0; j < section.count; j++) {
			const problem = skipStruct(decoder);
			if (problem) return problem;
		}
	}
	skipDeleteSet(decoder);
	return decoding.hasContent(decoder) ? 'trailing bytes after the update' : sections;
}
