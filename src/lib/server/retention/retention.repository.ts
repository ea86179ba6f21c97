import type { Sql } from '../db/database.ts';

/** A rule as stored: null keeps forever. */
export type KeepDays = number | null;

export interface HoldRow {
	id: string;
	orgId: string;
	kind: 'person' | 'channel';
	targetId: string;
	targetName: string;
	reason: string;
	placedBy: string | null;
	placedAt: Date;
	liftedAt: Date | null;
}

export interface RunRow {
	id: string;
	startedAt: Date;
	finishedAt: Date | null;
	messagesDeleted: number;
	filesDeleted: number;
}

/** A message a run deletes: where its document is and who wrote it. */
export interface DueMessage {
	id: string;
	channelId: string;
	channelKind: string;
	shard: number;
	authorId: string;
}

export interface DueFile {
	id: string;
	storageKey: string;
	hasPreviews: boolean;
}

/** What a rule would delete: in the whole organization (channels that follow it) or one channel. */
export type PreviewScope =
	{ kind: 'org'; orgId: string } | { kind: 'channel'; orgId: string; channelId: string };

/** All I/O of retention: rules, legal holds, runs, and the messages and files they delete. */
export class RetentionRepository {
	readonly sql: Sql;
	constructor(sql: Sql) {
		this.sql = sql;
	}

	/** The organization's rule; undefined when none was ever set (keep forever). */
	async orgRule(orgId: string): Promise<KeepDays | undefined> {
		const [row] = await this.sql<{ keepDays: number | null }[]>`
			select keep_days as "keepDays" from retention_rules
			where org_id = ${orgId} and channel_id is null`;
		return row ? row.keepDays : undefined;
	}

	/** A channel's own rule; undefined when it follows the organization. */
	async channelRule(channelId: string): Promise<KeepDays | undefined> {
		const [row] = await this.sql<{ keepDays: number | null }[]>`
			select keep_days as "keepDays" from retention_rules where channel_id = ${channelId}`;
		return row ? row.keepDays : undefined;
	}

	async channelRules(
		orgId: string
	): Promise<{ channelId: string; channelName: string; keepDays: KeepDays; held: boolean }[]> {
		return this.sql`
			select r.channel_id as "channelId", c.name as "channelName", r.keep_days as "keepDays",
				exists (select 1 from legal_holds h where h.channel_id = c.id and h.lifted_at is null) as held
			from retention_rules r join channels c on c.id = r.channel_id
			where r.org_id = ${orgId} and r.channel_id is not null
			order by c.name`;
	}

	async setOrgRule(orgId: string, keepDays: KeepDays, by: string, tx: Sql = this.sql) {
		await tx`
			insert into retention_rules (org_id, channel_id, keep_days, updated_by)
			values (${orgId}, null, ${keepDays}, ${by})
			on conflict (org_id) where channel_id is null
			do update set keep_days = excluded.keep_days, updated_by = excluded.updated_by, updated_at = now()`;
	}

	/** `undefined`: the channel follows the organization again. */
	async setChannelRule(
		orgId: string,
		channelId: string,
		keepDays: KeepDays | undefined,
		by: string,
		tx: Sql = this.sql
	) {
		if (keepDays === undefined) {
			await tx`delete from retention_rules where channel_id = ${channelId}`;
			return;
		}
		await tx`
			insert into retention_rules (org_id, channel_id, keep_days, updated_by)
			values (${orgId}, ${channelId}, ${keepDays}, ${by})
			on conflict (channel_id) where channel_id is not null
			do update set keep_days = excluded.keep_days, updated_by = excluded.updated_by, updated_at = now()`;
	}

	// ---- Legal holds ------------------------------------------------------------------------

	private holdSelect(tx: Sql) {
		return tx`
			select h.id, h.org_id as "orgId",
				case when h.user_id is not null then 'person' else 'channel' end as kind,
				coalesce(h.user_id, h.channel_id) as "targetId",
				coalesce(u.name, c.name) as "targetName",
				h.reason, p.name as "placedBy", h.placed_at as "placedAt", h.lifted_at as "liftedAt"
			from legal_holds h
			left join users u on u.id = h.user_id
			left join channels c on c.id = h.channel_id
			left join users p on p.id = h.placed_by`;
	}

	async standingHolds(orgId: string): Promise<HoldRow[]> {
		return this.sql<HoldRow[]>`
			${this.holdSelect(this.sql)}
			where h.org_id = ${orgId} and h.lifted_at is null order by h.placed_at desc`;
	}

	async findHold(id: string, tx: Sql = this.sql): Promise<HoldRow | null> {
		const [row] = await tx<HoldRow[]>`${this.holdSelect(tx)} where h.id = ${id}`;
		return row ?? null;
	}

	/** The standing hold on the same person or channel, if there is one. */
	async standingHoldOn(
		target: { userId: string } | { channelId: string },
		tx: Sql = this.sql
	): Promise<string | null> {
		const [row] =
			'userId' in target
				? await tx<{ id: string }[]>`
					select id from legal_holds where user_id = ${target.userId} and lifted_at is null`
				: await tx<{ id: string }[]>`
					select id from legal_holds where channel_id = ${target.channelId} and lifted_at is null`;
		return row?.id ?? null;
	}

	async insertHold(
		hold: {
			id: string;
			orgId: string;
			userId: string | null;
			channelId: string | null;
			reason: string;
			placedBy: string;
		},
		tx: Sql = this.sql
	): Promise<void> {
		await tx`
			insert into legal_holds (id, org_id, user_id, channel_id, reason, placed_by)
			values (${hold.id}, ${hold.orgId}, ${hold.userId}, ${hold.channelId}, ${hold.reason},
				${hold.placedBy})`;
	}

	/** Lifts a standing hold; null when it was lifted already. */
	async liftHold(id: string, by: string, tx: Sql = this.sql): Promise<Date | null> {
		const [row] = await tx<{ liftedAt: Date }[]>`
			update legal_holds set lifted_at = now(), lifted_by = ${by}
			where id = ${id} and lifted_at is null returning lifted_at as "liftedAt"`;
		return row?.liftedAt ?? null;
	}

	async isChannelHeld(channelId: string): Promise<boolean> {
		const [row] = await this.sql<{ held: boolean }[]>`
			select exists (select 1 from legal_holds
				where channel_id = ${channelId} and lifted_at is null) as held`;
		return row!.held;
	}

	// ---- Previews and runs --------------------------------------------------------------------

	/**
	 * What deleting the scope's messages accepted before `before` would take: messages and their
	 * files, and how many a legal hold keeps. For the organization: the channels that follow its
	 * rule (no rule of their own).
	 */
	async preview(
		scope: PreviewScope,
		before: Date
	): Promise<{ messages: number; files: number; held: number }> {
		const where =
			scope.kind === 'org'
				? this.sql`c.org_id = ${scope.orgId}
					and not exists (select 1 from retention_rules r where r.channel_id = c.id)`
				: this.sql`c.org_id = ${scope.orgId} and c.id = ${scope.channelId}`;
		const [row] = await this.sql<{ messages: number; files: number; held: number }[]>`
			with due as (
				select m.id,
					(exists (select 1 from legal_holds h where h.channel_id = m.channel_id and h.lifted_at is null)
					or exists (select 1 from legal_holds h where h.user_id = m.author_id and h.lifted_at is null)) as held
				from messages m join channels c on c.id = m.channel_id
				where ${where} and m.accepted_at < ${before}
			)
			select
				(select count(*)::int from due where not held) as messages,
				(select count(*)::int from due where held) as held,
				(select count(*)::int from files f join due on due.id = f.message_id where not due.held) as files`;
		return row!;
	}

	/** The organization's channels with the days their rule keeps (null: forever), unheld ones only. */
	async channelsToSweep(
		orgId: string
	): Promise<{ channelId: string; kind: string; keepDays: KeepDays }[]> {
		return this.sql`
			select c.id as "channelId", c.kind,
				case when cr.channel_id is not null then cr.keep_days else orr.keep_days end as "keepDays"
			from channels c
			left join retention_rules cr on cr.channel_id = c.id
			left join retention_rules orr on orr.org_id = c.org_id and orr.channel_id is null
			where c.org_id = ${orgId}
				and not exists (select 1 from legal_holds h where h.channel_id = c.id and h.lifted_at is null)`;
	}

	/** Organizations with any rule that deletes (the nightly run visits them). */
	async orgsWithRules(): Promise<string[]> {
		const rows = await this.sql<{ orgId: string }[]>`
			select distinct org_id as "orgId" from retention_rules where keep_days is not null`;
		return rows.map((row) => row.orgId);
	}

	/** The next batch of a channel's messages accepted before `before` whose author is not held. */
	async dueMessages(channelId: string, before: Date, limit: number): Promise<DueMessage[]> {
		return this.sql<DueMessage[]>`
			select m.id, m.channel_id as "channelId", c.kind as "channelKind", m.shard,
				m.author_id as "authorId"
			from messages m join channels c on c.id = m.channel_id
			where m.channel_id = ${channelId} and m.accepted_at < ${before}
				and not exists (select 1 from legal_holds h where h.user_id = m.author_id and h.lifted_at is null)
			order by m.accepted_at
			limit ${limit}`;
	}

	async filesOf(messageIds: readonly string[]): Promise<DueFile[]> {
		if (messageIds.length === 0) return [];
		return this.sql<DueFile[]>`
			select id, storage_key as "storageKey", has_previews as "hasPreviews"
			from files where message_id in ${this.sql(messageIds as string[])}`;
	}

	/**
	 * Deletes the messages' record (every version), their notifications and their files' rows,
	 * in one transaction. Server search reads `messages`, so it forgets them with it.
	 */
	async deleteRecords(messageIds: readonly string[]): Promise<void> {
		if (messageIds.length === 0) return;
		const ids = messageIds as string[];
		await this.sql.begin(async (tx) => {
			await tx`delete from files where message_id in ${tx(ids)}`;
			await tx`delete from notifications where message_id in ${tx(ids)}`;
			await tx`delete from message_versions where message_id in ${tx(ids)}`;
			await tx`delete from messages where id in ${tx(ids)}`;
		});
	}

	async startRun(id: string, orgId: string): Promise<void> {
		await this.sql`insert into retention_runs (id, org_id) values (${id}, ${orgId})
			on conflict (id) do nothing`;
	}

	async progressRun(id: string, messages: number, files: number): Promise<void> {
		await this.sql`
			update retention_runs set messages_deleted = messages_deleted + ${messages},
				files_deleted = files_deleted + ${files} where id = ${id}`;
	}

	async finishRun(id: string): Promise<void> {
		await this.sql`update retention_runs set finished_at = now() where id = ${id}`;
	}

	async runs(orgId: string, limit: number): Promise<RunRow[]> {
		return this.sql<RunRow[]>`
			select id, started_at as "startedAt", finished_at as "finishedAt",
				messages_deleted as "messagesDeleted", files_deleted as "filesDeleted"
			from retention_runs where org_id = ${orgId} order by started_at desc limit ${limit}`;
	}
}
