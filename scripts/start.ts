import { buildOutcome, runQuietly } from './start/quiet-build.ts';

/**
 * `npm start`: builds the app, then serves it, printing little: one line for the build (its
 * output only when it fails, and then the exit code is the build's), and last the address to
 * open, printed by the server. `npm run build` alone prints everything, as before.
 */
process.stdout.write('Building ConnectFlow… ');
const build = await runQuietly('npm', ['run', 'build']);
process.stdout.write(`${buildOutcome(build)}\n`);
if (build.code !== 0) {
	process.stderr.write(`\n${build.output}`);
	process.exit(build.code);
}
await import('../server/main.ts');
