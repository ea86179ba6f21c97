import * as Y from 'yjs';
import type { Sql } from '../db/database.ts';

export interface StoredDocument {
	state: Uint8Array | null;
	updates: { seq: number; update: Uint8Array }[];
}

/** Applies what is stored (compacted state, then the log) to `doc`. */
export function applyStored(doc: Y.Doc, stored: StoredDocument): void {
	if (stored.state) Y.applyUpdate(doc, stored.state);
	for (const { update } of stored.updates) Y.applyUpdate(doc, update);
}

/** All I/O of Yjs documents: a compacted state and the log of updates appended since. */
export class DocumentRepository {
	readonly sql: Sql;
	constructor(sql: Sql) {
		this.sql = sql;
	}

	/**
	 * One statement, so one snapshot: read as two queries, a compaction committed between them
	 * (another process unloading the document) would show neither the state nor the log.
	 */
	async load(name: string): Promise<StoredDocument> {
		const rows = await this.sql<
			{ state: Uint8Array | null; seq: number | null; update: Uint8Array | null }[]
		>`
			select state, null::bigint as seq, null::bytea as update from documents where name = ${name}
			union all
			select null, seq, update from document_updates where name = ${name}
			order by seq nulls first`;
		const compacted = rows.find((row) => row.seq === null);
		const updates = rows
			.filter((row) => row.seq !== null)
			.map((row) => ({ seq: Number(row.seq), update: row.update! }));
		return { state: compacted?.state ?? null, updates };
	}

	/** One round trip for many updates: the group commit of the update log. */
	async appendMany(entries: { name: string; update: Uint8Array }[]): Promise<number[]> {
		const rows = await this.sql<{ seq: number }[]>`
			insert into document_updates ${this.sql(
				entries.map((entry) => ({ name: entry.name, update: Buffer.from(entry.update) })),
				'name',
				'update'
			)} returning seq`;
		return rows.map((row) => row.seq);
	}

	/** Replaces the updates up to `uptoSeq` by the full state, atomically. */
	async compact(name: string, state: Uint8Array, uptoSeq: number): Promise<void> {
		await this.sql.begin(async (tx) => {
			await tx`
				insert into documents (name, state, compacted_seq, updated_at)
				values (${name}, ${Buffer.from(state)}, ${uptoSeq}, now())
				on conflict (name) do update set state = excluded.state,
					compacted_seq = greatest(documents.compacted_seq, excluded.compacted_seq),
					updated_at = now()`;
			await tx`delete from document_updates where name = ${name} and seq <= ${uptoSeq}`;
		});
	}

	async pendingUpdateCount(name: string): Promise<number> {
		const [row] = await this.sql<{ count: number }[]>`
			select count(*)::int as count from document_updates where name = ${name}`;
		return row!.count;
	}
}
