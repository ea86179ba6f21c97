import path from 'node:path';
import { parseArgs } from 'node:util';
import { takeBackup } from '../../src/lib/server/backup/backup.ts';
import { loadConfig } from '../../src/lib/server/config.ts';
import { reportAndExit } from './report.ts';

/**
 * `npm run backup [-- --out <file>]`: the database (PGlite's folder through the running server,
 * or pg_dump for DATABASE_URL) and the local files in one archive, with the same environment as
 * the server (DATA_DIR, DATABASE_URL, S3_ENDPOINT, FILES_ENCRYPTION_KEY). Safe while the server
 * runs. Prints the archive's path and its manifest.
 */
const { values } = parseArgs({ options: { out: { type: 'string', short: 'o' } } });
const config = loadConfig();
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const out = path.resolve(values.out ?? path.join('backups', `connectflow-${stamp}.tar.gz`));
await reportAndExit('Backup', async () => {
	const manifest = await takeBackup(config, out);
	const { database, files } = manifest;
	return [
		`Backed up ${database.kind === 'pglite' ? `PGlite (${database.online ? 'through the running server' : 'server stopped'})` : 'Postgres'}` +
			` and ${files.included ? `${files.count} files` : `no files (S3 bucket ${files.bucket} is not copied)`} to ${out}`,
		JSON.stringify(manifest)
	];
});
