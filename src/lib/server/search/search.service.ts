import type { Database } from '../db/database.ts';
import type { Actor } from '#shared/policy.ts';
import {
	attachedLabel,
	foldText,
	isEmptyQuery,
	parseSearchQuery,
	type SearchQuery
} from '#shared/search/query.ts';
import type { ChannelService } from '../channels/channel.service.ts';
import type { SearchHit, SearchRequest, SearchResult } from '#shared/api/search.schema.ts';
import { Wired } from '#shared/wired.ts';

/**
 * Server search over the relational record of messages: full text with prefix matching, folded
 * case and accents, and the filters of the search language. Only channels the person may read
 * are ever searched: the list comes from the same access check as everything else.
 */
export class SearchService extends Wired<{
	database: Database;
	channels: ChannelService;
}>() {
	async search(actor: Actor, input: SearchRequest): Promise<SearchResult> {
		const query = parseSearchQuery(input.q);
		if (isEmptyQuery(query)) return { hits: [], problems: query.problems, nextCursor: null };
		const readable = (await this.channels.list(actor)).filter((channel) =>
			matchesIn(query, channel)
		);
		if (readable.length === 0) return { hits: [], problems: query.problems, nextCursor: null };
		const authors = query.from.length ? await this.authorsNamed(actor.orgId, query.from) : null;
		if (authors && authors.length === 0)
			return { hits: [], problems: query.problems, nextCursor: null };
		const rows = await this.query(
			actor,
			query,
			readable.map((c) => c.id),
			authors,
			input.limit + 1,
			input.cursor
		);
		const names = new Map(readable.map((c) => [c.id, channelLabel(c)]));
		const kinds = new Map(readable.map((c) => [c.id, c.kind]));
		const hits: SearchHit[] = rows.slice(0, input.limit).map((row) => ({
			id: row.id,
			channelId: row.channelId,
			channelName: names.get(row.channelId) ?? '',
			channelKind: kinds.get(row.channelId) ?? 'channel',
			shard: row.shard,
			authorId: row.authorId,
			authorName: row.authorName,
			threadId: row.threadId,
			text: row.text,
			attached: attachedLabel(row.attachments),
			voice: row.attachments.some((file) => file.kind === 'voice'),
			acceptedAt: row.acceptedAt.toISOString(),
			editedAt: row.editedAt?.toISOString() ?? null
		}));
		const last = rows[input.limit - 1];
		return {
			hits,
			problems: query.problems,
			nextCursor: rows.length > input.limit && last ? last.acceptedAt.toISOString() : null
		};
	}

	/** People whose folded name or email has a word starting with each part of each from: value. */
	private async authorsNamed(orgId: string, names: string[]): Promise<string[]> {
		const people = await this.database.sql<{ id: string; name: string; email: string }[]>`
			select id, name, email from users where org_id = ${orgId}`;
		return people
			.filter((person) => {
				const words = `${foldText(person.name)} ${foldText(person.email)}`.split(/[\s.@]+/);
				return names.every((name) =>
					name.split(/\s+/).every((part) => words.some((word) => word.startsWith(part)))
				);
			})
			.map((person) => person.id);
	}

	private query(
		actor: Actor,
		query: SearchQuery,
		channelIds: string[],
		authors: string[] | null,
		limit: number,
		cursor?: string
	) {
		const sql = this.database.sql;
		const prefix = query.terms
			.map((term) => `${term.replace(/[^\p{L}\p{N}]/gu, '')}:*`)
			.filter((t) => t !== ':*');
		const tsquery = prefix.join(' & ');
		const conditions = [
			sql`m.channel_id in ${sql(channelIds)}`,
			sql`m.deleted_at is null`,
			tsquery
				? sql`to_tsvector('simple', m.folded) @@ to_tsquery('simple', ${tsquery})`
				: sql`true`,
			...query.phrases.map((phrase) => sql`m.folded like ${`%${escapeLike(phrase)}%`}`),
			authors ? sql`m.author_id in ${sql(authors)}` : sql`true`,
			query.has.includes('file') ? sql`jsonb_array_length(m.attachments) > 0` : sql`true`,
			query.has.includes('image') ? sql`m.attachments @> '[{"kind":"image"}]'::jsonb` : sql`true`,
			query.has.includes('voice') ? sql`m.attachments @> '[{"kind":"voice"}]'::jsonb` : sql`true`,
			query.has.includes('link') ? sql`m.text ~* 'https?://'` : sql`true`,
			query.mentionsMe
				? sql`(m.mentions @> ${sql.json([actor.id])} or m.mentions @> '["channel"]'::jsonb)`
				: sql`true`,
			query.isThread ? sql`m.thread_id is not null` : sql`true`,
			query.before ? sql`m.accepted_at < ${query.before}` : sql`true`,
			query.after ? sql`m.accepted_at >= ${query.after}` : sql`true`,
			cursor ? sql`m.accepted_at < ${new Date(cursor)}` : sql`true`
		];
		const where = conditions.reduce((all, condition) => sql`${all} and ${condition}`);
		// Whole-word matches rank above prefix matches; then the most recent first.
		const order = query.terms.length
			? sql`(select count(*) from unnest(${query.terms}::text[]) t where m.folded ~ ('\\m' || t || '\\M')) desc, m.accepted_at desc`
			: sql`m.accepted_at desc`;
		return sql<
			{
				id: string;
				channelId: string;
				shard: number;
				authorId: string;
				authorName: string;
				threadId: string | null;
				text: string;
				attachments: { name: string; kind?: string }[];
				acceptedAt: Date;
				editedAt: Date | null;
			}[]
		>`
			select m.id, m.channel_id as "channelId", m.shard, m.author_id as "authorId",
				u.name as "authorName", m.thread_id as "threadId", m.text, m.attachments, m.accepted_at as "acceptedAt",
				m.edited_at as "editedAt"
			from messages m join users u on u.id = m.author_id
			where ${where}
			order by ${order}
			limit ${limit}`;
	}
}

function matchesIn(
	query: SearchQuery,
	channel: { name: string; partners: { name: string }[] }
): boolean {
	if (query.in.length === 0) return true;
	const label = foldText(channelLabel(channel));
	return query.in.some((name) => label.includes(name));
}

function channelLabel(channel: {
	name: string;
	kind?: string;
	partners: { name: string }[];
}): string {
	return channel.kind === 'dm' ? channel.partners.map((p) => p.name).join(', ') : channel.name;
}

function escapeLike(text: string): string {
	return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}
