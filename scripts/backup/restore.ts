import path from 'node:path';
import { parseArgs } from 'node:util';
import { restoreBackup } from '../../src/lib/server/backup/restore.ts';
import { loadConfig } from '../../src/lib/server/config.ts';
import { reportAndExit } from './report.ts';

/**
 * `npm run restore -- <archive> [--force]`: puts a backup back into DATA_DIR (embedded database
 * and files) or into the database at DATABASE_URL, with the server stopped. Refuses to overwrite
 * anything unless --force, which moves what is there aside (never deletes it).
 */
const { values, positionals } = parseArgs({
	allowPositionals: true,
	options: { force: { type: 'boolean', default: false } }
});
if (positionals.length !== 1) {
	process.stderr.write('Usage: npm run restore -- <backup.tar.gz> [--force]\n');
	process.exit(2);
}
const config = loadConfig();
const archive = path.resolve(positionals[0]!);
await reportAndExit('Restore', async () => {
	const { manifest, movedAside } = await restoreBackup(config, archive, { force: values.force });
	const where = manifest.database.kind === 'pglite' ? config.pgliteDir : 'DATABASE_URL';
	return [
		`Restored the backup of ${manifest.createdAt} into ${where}` +
			(manifest.files.included
				? ` and ${manifest.files.count} files into ${config.filesDir}`
				: '') +
			'.',
		...movedAside.map((aside) => `Moved aside: ${aside}`),
		JSON.stringify(manifest)
	];
});
