import { openAppContext } from '../src/lib/server/app-context.ts';
import { loadConfig } from '../src/lib/server/config.ts';
import { roleLabels, type Role } from '../src/lib/shared/roles.ts';
import { loadDemo } from './demo/load-demo.ts';
import { demoOrganization, demoPassword } from './demo/people.ts';

/**
 * `npm run demo`: loads the Northwind Labs demo organization into the configured database
 * (DATA_DIR's embedded database, or DATABASE_URL). Stop the server first when it uses the
 * embedded database: PGlite admits one process at a time.
 */
const config = loadConfig();
const ctx = await openAppContext(config);
try {
	const started = Date.now();
	const result = await loadDemo(ctx);
	const where = ctx.database.kind === 'pglite' ? config.pgliteDir : 'DATABASE_URL';
	console.log(
		result.created
			? `Loaded ${demoOrganization} (${result.messages} messages) into ${where} in ${((Date.now() - started) / 1000).toFixed(1)} s.`
			: `${demoOrganization} is already loaded in ${where}; nothing changed.`
	);
	console.log(`\nSign in with any of these (password: ${demoPassword}):`);
	for (const signIn of result.signIns) {
		console.log(
			`  ${roleLabels[signIn.role as Role].padEnd(16)} ${signIn.email.padEnd(36)} ${signIn.name}`
		);
	}
} finally {
	await ctx.close();
}
