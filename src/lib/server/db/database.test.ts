import { afterAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/each-database.ts';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs/promises';
import { openDatabase } from './database.ts';
import { runMigrations } from './migrate.ts';
import { createTestDatabase } from '../testing/test-database.ts';
import { migrations } from './migrations/index.ts';

describeEachDatabase('database on %s', (kind) => {
	it('applies every migration once and is idempotent on a second run', async () => {
		// Test databases of PGlite start from an image already migrated: this one starts empty.
		const db =
			kind === 'pglite'
				? await openDatabase({ pgliteDir: 'memory://' })
				: await createTestDatabase(kind);
		try {
			const rows = await db.sql<
				{ version: number }[]
			>`select version from schema_migrations order by version`;
			expect(rows.map((r) => r.version)).toEqual(migrations.map((m) => m.version));
			expect(await runMigrations(db.sql)).toEqual([]);
		} finally {
			await db.close();
		}
	});

	it('runs transactions that roll back on error', async () => {
		const db = await createTestDatabase(kind);
		try {
			await expect(
				db.sql.begin(async (tx) => {
					await tx`insert into organizations (name, join_code) values ('Rollback', 'RB-1')`;
					throw new Error('abort');
				})
			).rejects.toThrow('abort');
			const [row] = await db.sql<
				{ count: number }[]
			>`select count(*)::int as count from organizations`;
			const count = row?.count;
			expect(count).toBe(0);
		} finally {
			await db.close();
		}
	});
});

describe('embedded database in a data folder', () => {
	const dir = path.join(os.tmpdir(), `cf-pglite-${process.pid}-${Date.now()}`);
	afterAll(() => fs.rm(dir, { recursive: true, force: true }));

	it('keeps its rows across a restart', async () => {
		const first = await openDatabase({ pgliteDir: dir });
		await first.sql`insert into organizations (name, join_code) values ('Persisted', 'P-1')`;
		await first.close();
		const second = await openDatabase({ pgliteDir: dir });
		const rows = await second.sql<{ name: string }[]>`select name from organizations`;
		await second.close();
		expect(rows.map((r) => r.name)).toEqual(['Persisted']);
	});
});

describe('the embedded database memory', () => {
	it('runs with the bounded defaults, and with the settings it is given', async () => {
		const settings = async (db: Awaited<ReturnType<typeof openDatabase>>) => {
			const show = async (name: string) =>
				(await db.sql.unsafe<Record<string, string>[]>(`show ${name}`))[0]![name];
			return {
				sharedBuffers: await show('shared_buffers'),
				workMem: await show('work_mem'),
				maintenanceWorkMem: await show('maintenance_work_mem'),
				tempBuffers: await show('temp_buffers')
			};
		};
		const defaults = await openDatabase({ pgliteDir: 'memory://', migrate: false });
		try {
			expect(await settings(defaults)).toEqual({
				sharedBuffers: '16MB',
				workMem: '4MB',
				maintenanceWorkMem: '16MB',
				tempBuffers: '2MB'
			});
		} finally {
			await defaults.close();
		}
		const given = await openDatabase({
			pgliteDir: 'memory://',
			migrate: false,
			pgliteMemory: { sharedBuffers: '32MB', workMem: '1MB' }
		});
		try {
			expect(await settings(given)).toMatchObject({ sharedBuffers: '32MB', workMem: '1MB' });
		} finally {
			await given.close();
		}
	});
});
