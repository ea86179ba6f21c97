import { describe, expect, it } from 'vitest';
import { openForSuite } from '../testing/suite.ts';
import { createTestDatabase } from '../testing/test-database.ts';
import { postgresAdapter } from './postgres-adapter.ts';

/**
 * The adapter pg-boss uses on the embedded PGlite, over the app's one session: what pg-boss
 * expects of node-postgres, and a shared session left clean after a failure.
 */
describe('the pg-boss adapter over the app connection (pglite)', () => {
	const database = openForSuite(() => createTestDatabase('pglite'));

	it('returns the rows of every statement of a multi-statement text', async () => {
		const db = postgresAdapter(database.sql);
		const { rows } = await db.executeSql(
			'BEGIN; SELECT 1 AS one; SELECT 2 AS two UNION ALL SELECT 3; COMMIT'
		);
		expect(rows).toEqual([{ one: 1 }, { two: 2 }, { two: 3 }]);
	});

	it('rolls back a failed transaction, so the app’s next query works', async () => {
		const db = postgresAdapter(database.sql);
		await expect(
			db.executeSql('BEGIN; CREATE TABLE adapter_probe (x int); SELECT 1 / 0; COMMIT')
		).rejects.toThrow(/division by zero/);
		const [row] = await database.sql<{ ok: number }[]>`select 1 as ok`;
		expect(row).toEqual({ ok: 1 });
		const [probe] = await database.sql`select to_regclass('adapter_probe') as found`;
		expect(probe).toEqual({ found: null });
	});

	it('passes parameters as node-postgres does: undefined as null, JSON text as JSON', async () => {
		const db = postgresAdapter(database.sql);
		const { rows } = await db.executeSql(
			`SELECT $1::jsonb AS output, $2::jsonb AS object, $3::text IS NULL AS missing,
				$4::uuid[] AS ids, $5::int AS n, $6::bool AS flag`,
			[
				JSON.stringify({ message: 'boom' }),
				{ nested: ['a', 'b"c'] },
				undefined,
				['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002'],
				42,
				true
			]
		);
		expect(rows[0]).toEqual({
			output: { message: 'boom' },
			object: { nested: ['a', 'b"c'] },
			missing: true,
			ids: ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002'],
			n: 42,
			flag: true
		});
	});
});
