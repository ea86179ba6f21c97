import type postgres from 'postgres';
import { migrations } from './migrations/index.ts';

/** Arbitrary constant: serialises migrations when several processes start at once. */
const MIGRATION_LOCK = 4_242_001;

export async function runMigrations(sql: postgres.Sql): Promise<string[]> {
	const applied: string[] = [];
	await sql.begin(async (tx) => {
		await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK})`;
		await tx`create table if not exists schema_migrations (
			version integer primary key,
			name text not null,
			applied_at timestamptz not null default now()
		)`;
		const done = new Set(
			(await tx<{ version: number }[]>`select version from schema_migrations`).map((r) => r.version)
		);
		for (const migration of migrations) {
			if (done.has(migration.version)) continue;
			await tx.unsafe(migration.sql);
			await tx`insert into schema_migrations (version, name) values (${migration.version}, ${migration.name})`;
			applied.push(migration.name);
		}
	});
	return applied;
}
