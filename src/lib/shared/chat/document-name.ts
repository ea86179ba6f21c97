import { assertUuid, isUuid } from './ids.ts';

/**
 * Names of conversation documents: `<kind>.<uuid>.<shard>`. A conversation's history is split
 * into shards of about SHARD_CAPACITY messages; opening it syncs only the newest shard (the
 * head) and scrolling back opens older shards on demand, so the first sync stays small however
 * long the history grows. The server seals a full shard and moves the head to the next number.
 *
 * The name arrives from the client and picks what it reads and writes, so parsing is strict:
 * exactly one spelling per document, anything else refused.
 */

export const DOCUMENT_KINDS = ['channel', 'dm', 'breakout'] as const;

export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** Messages a shard holds before the server seals it and opens the next. */
export const SHARD_CAPACITY = 500;
const MAX_SHARD = 9_999_999;

export interface DocumentName {
	kind: DocumentKind;
	id: string;
	/** 0 for the first part of the history, counting up. */
	shard: number;
}

const SHARD = /^(0|[1-9]\d{0,6})$/;

function isKind(value: string): value is DocumentKind {
	return (DOCUMENT_KINDS as readonly string[]).includes(value);
}

export function isShard(value: unknown): boolean {
	return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_SHARD;
}

export function parseDocumentName(name: unknown): DocumentName | null {
	if (typeof name !== 'string' || name.length > 64) return null;
	const [kind, id, shard, ...rest] = name.split('.');
	if (rest.length > 0 || kind === undefined || !isKind(kind) || !isUuid(id)) return null;
	if (shard === undefined || !SHARD.test(shard)) return null;
	return { kind, id, shard: Number(shard) };
}

export function documentName(kind: DocumentKind, id: string, shard: number): string {
	if (!isKind(kind)) throw new TypeError(`unknown document kind: ${String(kind)}`);
	assertUuid(id, 'document id');
	if (!isShard(shard)) throw new TypeError(`not a shard number: ${shard}`);
	return `${kind}.${id}.${shard}`;
}
