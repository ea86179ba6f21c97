import type { Sql } from '../db/database.ts';
import type { ExportFormat, ExportStatus } from '#shared/api/exports.schema.ts';

export interface ExportRow {
	id: string;
	orgId: string;
	requestedBy: string;
	requestedByName: string;
	scopeKind: 'channel' | 'person';
	channelId: string | null;
	personId: string | null;
	self: boolean;
	scopeName: string;
	fromDay: string | null;
	toDay: string | null;
	formats: ExportFormat[];
	includeFiles: boolean;
	status: ExportStatus;
	totalMessages: number | null;
	doneMessages: number;
	files: number;
	storageKey: string | null;
	bytes: number | null;
	error: string | null;
	createdAt: Date;
	finishedAt: Date | null;
}

export type NewExport = Pick<
	ExportRow,
	| 'id'
	| 'orgId'
	| 'requestedBy'
	| 'scopeKind'
	| 'channelId'
	| 'personId'
	| 'self'
	| 'scopeName'
	| 'fromDay'
	| 'toDay'
	| 'formats'
	| 'includeFiles'
>;

/** Where a channel or a person belongs: what the policy asks about (see policy.exportMessages). */
export interface UnitOf {
	orgId: string;
	name: string;
	teamId: string | null;
	/** The department, or the team's department. */
	departmentId: string | null;
}

/** What the job reads: whose messages, from when (included) to when (excluded). */
export interface ExportSelection {
	kind: 'channel' | 'person';
	id: string;
	orgId: string;
	from: Date | null;
	until: Date | null;
}

/** A page of messages: their JSON lines joined, and where the next page starts. */
export interface ExportPage {
	/**
	 * The JSON lines as UTF-8 bytes, never decoded in the server: a page (~500 KB) as a string
	 * is a large object, which only a full collection frees, and 30-40 MB of them piled up in
	 * the server's heap during an export of 1,000,000 messages. A Buffer's bytes are outside
	 * the heap and go with its handle at the next young collection.
	 */
	lines: Buffer;
	count: number;
	/**
	 * The last message's accepted_at as Postgres writes it (microseconds kept) and its id. It
	 * goes back as text (`::text::timestamptz`): a parameter the client takes for a timestamptz
	 * passes through a JavaScript Date, which keeps milliseconds only, and the page's last
	 * message would come again on the next page (found on Postgres: 100,100 of 100,000).
	 */
	after: { at: string; id: string } | null;
	files: { id: string; name: string; storageKey: string; messageId: string }[];
}

/** A page as the export process answers it once written: all but its lines. */
export type ExportPageRead = Omit<ExportPage, 'lines'>;

const COLUMNS = `e.id, e.org_id as "orgId", e.requested_by as "requestedBy",
	u.name as "requestedByName", e.scope_kind as "scopeKind", e.channel_id as "channelId",
	e.person_id as "personId", e.self, e.scope_name as "scopeName", e.from_day::text as "fromDay",
	e.to_day::text as "toDay", e.formats, e.include_files as "includeFiles", e.status,
	e.total_messages as "totalMessages", e.done_messages as "doneMessages", e.files,
	e.storage_key as "storageKey", e.bytes::float8 as bytes, e.error, e.created_at as "createdAt",
	e.finished_at as "finishedAt"`;

/** All I/O of exports: their rows, and the messages they read a page at a time. */
export class ExportRepository {
	readonly sql: Sql;
	constructor(sql: Sql) {
		this.sql = sql;
	}

	async channelUnit(channelId: string): Promise<UnitOf | null> {
		return this.unitOf('channels', channelId);
	}

	async personUnit(personId: string): Promise<UnitOf | null> {
		return this.unitOf('users', personId);
	}

	/** A channel's or a person's organization, name, and team and department (a team's own). */
	private async unitOf(table: 'channels' | 'users', id: string): Promise<UnitOf | null> {
		const [row] = await this.sql<UnitOf[]>`
			select u.org_id as "orgId", u.name, u.team_id as "teamId",
				coalesce(t.department_id, u.department_id) as "departmentId"
			from ${this.sql(table)} u left join teams t on t.id = u.team_id
			where u.id = ${id}`;
		return row ?? null;
	}

	/** Every channel (not archived) and active person of the organization, with their unit. */
	async units(orgId: string): Promise<{
		channels: (UnitOf & { id: string; kind: string })[];
		people: (UnitOf & { id: string })[];
	}> {
		const [channels, people] = await Promise.all([
			this.sql<(UnitOf & { id: string; kind: string })[]>`
				select c.id, c.kind, c.org_id as "orgId", c.name, c.team_id as "teamId",
					coalesce(t.department_id, c.department_id) as "departmentId"
				from channels c left join teams t on t.id = c.team_id
				where c.org_id = ${orgId} and c.archived_at is null and c.kind <> 'dm'
				order by lower(c.name)`,
			this.sql<(UnitOf & { id: string })[]>`
				select p.id, p.org_id as "orgId", p.name, p.team_id as "teamId",
					coalesce(t.department_id, p.department_id) as "departmentId"
				from users p left join teams t on t.id = p.team_id
				where p.org_id = ${orgId} and p.status = 'active'
				order by lower(p.name)`
		]);
		return { channels, people };
	}

	async insert(row: NewExport, tx: Sql = this.sql): Promise<void> {
		await tx`
			insert into exports (id, org_id, requested_by, scope_kind, channel_id, person_id, self,
				scope_name, from_day, to_day, formats, include_files)
			values (${row.id}, ${row.orgId}, ${row.requestedBy}, ${row.scopeKind}, ${row.channelId},
				${row.personId}, ${row.self}, ${row.scopeName}, ${row.fromDay}, ${row.toDay},
				${row.formats}, ${row.includeFiles})`;
	}

	async find(id: string): Promise<ExportRow | null> {
		const [row] = await this.sql<ExportRow[]>`
			select ${this.sql.unsafe(COLUMNS)} from exports e join users u on u.id = e.requested_by
			where e.id = ${id}`;
		return row ?? null;
	}

	async listRequestedBy(personId: string, limit = 50): Promise<ExportRow[]> {
		return this.sql<ExportRow[]>`
			select ${this.sql.unsafe(COLUMNS)} from exports e join users u on u.id = e.requested_by
			where e.requested_by = ${personId} order by e.created_at desc limit ${limit}`;
	}

	async markRunning(id: string, total: number): Promise<void> {
		await this.sql`
			update exports set status = 'running', total_messages = ${total}, done_messages = 0,
				files = 0, error = null
			where id = ${id}`;
	}

	async progress(id: string, done: number, files: number): Promise<void> {
		await this.sql`update exports set done_messages = ${done}, files = ${files} where id = ${id}`;
	}

	async markDone(
		id: string,
		result: { storageKey: string; bytes: number; done: number; files: number },
		tx: Sql = this.sql
	): Promise<void> {
		await tx`
			update exports set status = 'done', storage_key = ${result.storageKey},
				bytes = ${result.bytes}, done_messages = ${result.done}, files = ${result.files},
				finished_at = now()
			where id = ${id}`;
	}

	async markFailed(id: string, error: string): Promise<void> {
		await this.sql`
			update exports set status = 'failed', error = ${error}, finished_at = now()
			where id = ${id}`;
	}

	/** How many messages the selection holds (for the progress bar). */
	async count(selection: ExportSelection): Promise<number> {
		const [row] = await this.sql<{ count: number }[]>`
			select count(*)::int as count from messages m
			where ${this.where(selection)}`;
		return row!.count;
	}

	/**
	 * The next `limit` messages of the selection after `after`, in (accepted_at, id) order (a
	 * keyset, read through the two export indexes of migration 16): each message with its
	 * channel, author, moderator and every version, made into one JSON line by the database and
	 * the page joined into one text, so the server's event loop decodes one value per page
	 * rather than a row per message. No transaction is held between pages: PGlite has one
	 * session, which everything else needs meanwhile.
	 */
	async page(
		selection: ExportSelection,
		after: { at: string; id: string } | null,
		limit: number,
		withFiles: boolean
	): Promise<ExportPage> {
		const sql = this.sql;
		// Raw: each column as the bytes Postgres sent (the page's text stays bytes, see
		// ExportPage.lines); the small ones are decoded here.
		const [row] = await sql`
			with page as (
				select m.* from messages m
				where ${this.where(selection)}
					${after ? sql`and (m.accepted_at, m.id) > (${after.at}::text::timestamptz, ${after.id}::uuid)` : sql``}
				order by m.accepted_at, m.id
				limit ${limit}
			),
			lines as (
				select p.accepted_at, p.id, jsonb_build_object(
					'id', p.id, 'channelId', p.channel_id, 'channelName', c.name, 'channelKind', c.kind,
					'threadId', p.thread_id, 'authorId', p.author_id, 'authorName', a.name,
					'authorEmail', a.email, 'text', p.text, 'attachments', p.attachments,
					'mentions', p.mentions, 'version', p.version, 'createdAt', p.created_at,
					'acceptedAt', p.accepted_at, 'editedAt', p.edited_at, 'deletedAt', p.deleted_at,
					'deletedById', p.deleted_by, 'deletedByName', d.name,
					'versions', coalesce((
						select jsonb_agg(jsonb_build_object('version', v.version, 'text', v.text,
							'deleted', v.deleted, 'recordedAt', v.recorded_at) order by v.version)
						from message_versions v where v.message_id = p.id), '[]'::jsonb)
				)::text as line
				from page p
				join channels c on c.id = p.channel_id
				join users a on a.id = p.author_id
				left join users d on d.id = p.deleted_by
			)
			select string_agg(line, E'\n' order by accepted_at, id) as lines,
				count(*)::int as count,
				(select accepted_at::text from page order by accepted_at desc, id desc limit 1) as "lastAt",
				(select id from page order by accepted_at desc, id desc limit 1) as "lastId",
				${
					withFiles
						? sql`(select jsonb_agg(jsonb_build_object('id', f.id, 'name', f.name,
							'storageKey', f.storage_key, 'messageId', f.message_id) order by f.created_at)
							from files f where f.message_id in (select id from page))`
						: sql`null::jsonb`
				} as files
			from lines`.raw();
		const [lines, count, lastAt, lastId, files] = (row ?? []) as (Buffer | null)[];
		return {
			lines: lines ?? Buffer.alloc(0),
			count: count ? Number(count.toString()) : 0,
			after: lastAt && lastId ? { at: lastAt.toString(), id: lastId.toString() } : null,
			files: files ? (JSON.parse(files.toString()) as ExportPage['files']) : []
		};
	}

	private where(selection: ExportSelection) {
		const sql = this.sql;
		return sql`${selection.kind === 'channel' ? sql`m.channel_id = ${selection.id}` : sql`m.author_id = ${selection.id}`}
			${selection.from ? sql`and m.accepted_at >= ${selection.from}` : sql``}
			${selection.until ? sql`and m.accepted_at < ${selection.until}` : sql``}`;
	}
}
