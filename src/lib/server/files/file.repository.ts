import type { Sql } from '../db/database.ts';
import type { FileKind } from './file-content.ts';

/** One file of a conversation (migration 006). */
export interface FileRow {
	id: string;
	orgId: string;
	channelId: string;
	uploaderId: string;
	messageId: string | null;
	name: string;
	kind: FileKind;
	mimeType: string;
	size: number;
	width: number | null;
	height: number | null;
	durationMs: number | null;
	waveform: string | null;
	storageKey: string;
	/** An image's thumbnail and preview are stored beside it (previewKeys). */
	hasPreviews: boolean;
	createdAt: Date;
}

/** Where an image's thumbnail and preview are stored, beside the file itself. */
export function previewKeys(storageKey: string) {
	return { thumbnail: `${storageKey}.thumbnail`, preview: `${storageKey}.preview` };
}

export type NewFile = Omit<FileRow, 'messageId' | 'createdAt'>;

const columns = (sql: Sql) => sql`
	id, org_id as "orgId", channel_id as "channelId", uploader_id as "uploaderId",
	message_id as "messageId", name, kind, mime_type as "mimeType", size, width, height,
	duration_ms as "durationMs", waveform, storage_key as "storageKey", has_previews as "hasPreviews",
	created_at as "createdAt"`;

/** All I/O of file records; the bytes themselves are the storage module's. */
export class FileRepository {
	readonly sql: Sql;
	constructor(sql: Sql) {
		this.sql = sql;
	}

	async insert(file: NewFile): Promise<FileRow> {
		const [row] = await this.sql<FileRow[]>`
			insert into files (id, org_id, channel_id, uploader_id, name, kind, mime_type, size,
				width, height, duration_ms, waveform, storage_key, has_previews)
			values (${file.id}, ${file.orgId}, ${file.channelId}, ${file.uploaderId}, ${file.name},
				${file.kind}, ${file.mimeType}, ${file.size}, ${file.width}, ${file.height},
				${file.durationMs}, ${file.waveform}, ${file.storageKey}, ${file.hasPreviews})
			returning ${columns(this.sql)}`;
		return row!;
	}

	async find(id: string): Promise<FileRow | null> {
		const [row] = await this.sql<
			FileRow[]
		>`select ${columns(this.sql)} from files where id = ${id}`;
		return row ?? null;
	}

	async findMany(ids: string[]): Promise<FileRow[]> {
		if (ids.length === 0) return [];
		return this.sql<FileRow[]>`select ${columns(this.sql)} from files where id in ${this.sql(ids)}`;
	}

	/** Ties pending files to the message that carries them (a file goes with one message). */
	async attach(messageId: string, ids: string[]): Promise<void> {
		if (ids.length === 0) return;
		await this.sql`
			update files set message_id = ${messageId}
			where id in ${this.sql(ids)} and message_id is null`;
	}

	/** Deletes a file no message carries yet; false when there is none such. */
	async deletePending(id: string): Promise<boolean> {
		const rows = await this
			.sql`delete from files where id = ${id} and message_id is null returning id`;
		return rows.length > 0;
	}

	/**
	 * Files still pending (no message carries them) uploaded before `before`, oldest first: the
	 * uploads people abandoned (a closed tab, a cancelled message).
	 */
	async findAbandoned(before: Date, limit: number): Promise<FileRow[]> {
		return this.sql<FileRow[]>`
			select ${columns(this.sql)} from files
			where message_id is null and created_at < ${before}
			order by created_at limit ${limit}`;
	}

	/** Bytes the organization's files take. */
	async usage(orgId: string): Promise<{ files: number; bytes: number }> {
		const [row] = await this.sql<{ files: number; bytes: number }[]>`
			select count(*)::int as files, coalesce(sum(size), 0)::bigint as bytes
			from files where org_id = ${orgId}`;
		return { files: row!.files, bytes: Number(row!.bytes) };
	}
}
