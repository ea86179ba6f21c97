import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../db/database.ts';
import {
	createTestDatabase,
	migratedPgliteImage,
	type DatabaseKind,
	type TestDatabase
} from './test-database.ts';

/** A database that outlives the contexts opened on it, and a way to open one more. */
export interface Reopenable {
	open(): Promise<TestDatabase>;
	close(): Promise<void>;
}

/**
 * A fresh database that outlives the app contexts opened on it, as a server's does its
 * restarts: each `open` is a new connection to the same data (`name` names the PGlite folder).
 */
export async function reopenable(kind: DatabaseKind, name: string): Promise<Reopenable> {
	if (kind === 'pglite') {
		const dir = await fs.mkdtemp(path.join(os.tmpdir(), `connectflow-${name}-`));
		// The first open starts from the migrated image; later ones find the folder's database.
		let image: Uint8Array | undefined = await migratedPgliteImage();
		return {
			open: () => {
				const pgliteImage = image;
				image = undefined;
				return openDatabase({ pgliteDir: dir, pgliteImage, migrate: false });
			},
			close: () => fs.rm(dir, { recursive: true, force: true })
		};
	}
	const owner = await createTestDatabase('postgres');
	return {
		open: () => openDatabase({ databaseUrl: owner.url!, maxConnections: 3, migrate: false }),
		close: () => owner.close()
	};
}
