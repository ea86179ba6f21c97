import { z } from 'zod';

/**
 * Hostile input generated from an operation's own zod schemas: a well-formed value is built
 * from the schema, then one place at a time is replaced by something a client should never be
 * able to get past validation (or, for reads, past the database) with.
 */

/** A JSON value spliced into the body as text: nesting too deep to build as an object. */
export class RawJson {
	readonly text: string;
	constructor(text: string) {
		this.text = text;
	}
}

const DEPTH = 10_000;
export const deepArray = new RawJson('['.repeat(DEPTH) + ']'.repeat(DEPTH));
export const deepObject = new RawJson('{"a":'.repeat(DEPTH) + '{}' + '}'.repeat(DEPTH));

/** Characters no text field may hold, alone and inside ordinary text. */
export const hostileText = [
	'\u0000',
	'before\u0000after',
	'\ud800',
	'lone \udfff low surrogate',
	'\u202eevil.exe',
	'isolate \u2066inside\u2069',
	'C1 \u0085 next line',
	'carriage\rreturn',
	'x'.repeat(10_000),
	'x'.repeat(100_000)
];

/** Numbers out of every sensible range, and things that only look like numbers. */
export const hostileNumbers: unknown[] = [
	1e308,
	-1e308,
	-1,
	2 ** 53 + 2,
	Number.MAX_SAFE_INTEGER,
	1.5,
	'12abc',
	'NaN',
	'Infinity'
];

/** Values of the wrong type; those the field's own schema accepts are not sent. */
export const wrongTypes: unknown[] = [null, true, 0, 'text', [], { a: 1 }, deepArray, deepObject];

/** Query strings are text: the same ideas, spelled as a URL carries them (and under 16 KB). */
export const hostileQueryValues = [
	...hostileText.filter((text) => text.length < 16_000),
	...hostileNumbers.map(String),
	'-0',
	'0x10',
	'1e400',
	'',
	'null',
	'[]',
	'{}'
];

export type Place = (string | number)[];

/** One place in a well-formed value: the schema that governs it and what kind of value it is. */
export interface Leaf {
	place: Place;
	schema: z.ZodType;
	kind: 'text' | 'number' | 'other';
}

export interface WellFormed {
	value: unknown;
	leaves: Leaf[];
}

type Def = {
	type: string;
	innerType?: z.ZodType;
	in?: z.ZodType;
	element?: z.ZodType;
	entries?: Record<string, string>;
	values?: unknown[];
	options?: z.ZodType[];
};
const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/**
 * A value the schema accepts where it can (the first of `candidates` a string schema takes),
 * with every leaf listed. `uuidFor` names the existing object an id field should point at.
 */
export function wellFormed(
	schema: z.ZodType,
	uuidFor: (key: string) => string,
	candidates: string[]
): WellFormed {
	const leaves: Leaf[] = [];
	const build = (current: z.ZodType, place: Place, key: string): unknown => {
		const def = defOf(current);
		switch (def.type) {
			case 'object': {
				const shape = (current as z.ZodObject).shape as Record<string, z.ZodType>;
				return Object.fromEntries(
					Object.entries(shape).map(([name, field]) => [name, build(field, [...place, name], name)])
				);
			}
			case 'optional':
			case 'nullable':
			case 'default':
			case 'prefault':
			case 'readonly':
			case 'catch':
				return build(def.innerType!, place, key);
			case 'pipe':
				return build(def.in!, place, key);
			case 'array':
				return [build(def.element!, [...place, 0], key)];
			case 'union':
				return build(def.options![0]!, place, key);
		}
		// A leaf: its schema is the field as declared (optional, nullable), not the unwrapped one.
		const fieldSchema = place.length === 0 ? current : fieldAt(schema, place);
		const leaf = (kind: Leaf['kind'], value: unknown) => {
			leaves.push({ place, schema: fieldSchema, kind });
			return value;
		};
		switch (def.type) {
			case 'string': {
				const pool = [uuidFor(key), ...candidates];
				return leaf('text', pool.find((text) => current.safeParse(text).success) ?? pool[0]);
			}
			case 'number':
				return leaf('number', 10);
			case 'enum':
				return leaf('text', Object.values(def.entries!)[0]);
			case 'literal':
				return leaf('other', def.values![0]);
			case 'boolean':
				return leaf('other', true);
			default:
				return leaf('other', null);
		}
	};
	return { value: build(schema, [], ''), leaves };
}

/** The schema of the field at `place`, as the object or array declares it. */
function fieldAt(schema: z.ZodType, place: Place): z.ZodType {
	let current = schema;
	for (const step of place) {
		current = unwrapToContainer(current);
		current =
			typeof step === 'number'
				? defOf(current).element!
				: ((current as z.ZodObject).shape as Record<string, z.ZodType>)[step]!;
	}
	return current;
}

function unwrapToContainer(schema: z.ZodType): z.ZodType {
	let current = schema;
	for (;;) {
		const def = defOf(current);
		if (def.type === 'object' || def.type === 'array') return current;
		const inner = def.innerType ?? def.in ?? def.options?.[0];
		if (!inner) return current;
		current = inner;
	}
}

/** A copy of `value` with the leaf at `place` replaced. */
export function replaceAt(value: unknown, place: Place, replacement: unknown): unknown {
	if (place.length === 0) return replacement;
	const [step, ...rest] = place;
	const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<
		string | number,
		unknown
	>;
	copy[step!] = replaceAt(copy[step!], rest, replacement);
	return copy;
}

/** JSON text of `value`, with RawJson pieces spliced in as they are. */
export function toJsonText(value: unknown): string {
	const raw: string[] = [];
	const text = JSON.stringify(value, (_key, item: unknown) => {
		if (!(item instanceof RawJson)) return item;
		raw.push(item.text);
		return `\u0000raw${raw.length - 1}\u0000`;
	});
	return text.replace(/"\\u0000raw(\d+)\\u0000"/g, (_match, index: string) => raw[Number(index)]!);
}

/** Mulberry32: a small seeded generator, so every run sends the same requests. */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Garbage for a path segment: fixed cases plus `count` random strings of any code units. */
export function garbagePathValues(random: () => number, count: number): string[] {
	const fixed = [
		'',
		' ',
		'not-a-uuid',
		'0',
		'-1',
		'1e308',
		'null',
		'00000000-0000-0000-0000-000000000000',
		'ffffffff-ffff-ffff-ffff-ffffffffffffff',
		"' or '1'='1",
		'../../etc/passwd',
		'{id}',
		...hostileText
	];
	const randomOnes = Array.from({ length: count }, () => {
		const length = 1 + Math.floor(random() * 40);
		return String.fromCharCode(...Array.from({ length }, () => Math.floor(random() * 0x10000)));
	});
	return [...fixed, ...randomOnes];
}
