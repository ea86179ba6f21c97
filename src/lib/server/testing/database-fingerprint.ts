import type { Sql } from 'postgres';

/**
 * Columns that change on every request without anything having happened: a session's last-seen
 * time is refreshed by any signed-in request, refused or not.
 */
const volatileColumns = ['last_seen_at'];

/**
 * Per table of the public schema: its row count and a hash of all its rows (volatile columns
 * left out). Two fingerprints are equal when no row was added, removed or changed.
 */
export async function databaseFingerprint(sql: Sql): Promise<Record<string, string>> {
	const tables = await sql<{ name: string }[]>`
		select table_name as name from information_schema.tables
		where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`;
	const fingerprint: Record<string, string> = {};
	for (const { name } of tables) {
		const [row] = await sql<{ rows: string; hash: string | null }[]>`
			select count(*)::text as rows,
				md5(string_agg((to_jsonb(t) - ${volatileColumns}::text[])::text, '|' order by
					(to_jsonb(t) - ${volatileColumns}::text[])::text)) as hash
			from ${sql(name)} t`;
		fingerprint[name] = `${row!.rows} rows, ${row!.hash ?? 'empty'}`;
	}
	return fingerprint;
}
