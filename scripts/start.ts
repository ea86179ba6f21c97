import { spawn } from 'node:child_process';
import { SERVER_ENV, SERVER_NODE_FLAGS } from '../server/node-flags.ts';
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
// A process of its own: the server's V8 flags and malloc setting (server/node-flags.ts) only
// work from the start. Ctrl-C reaches both (same process group); the server's exit code is ours.
const server = spawn(process.execPath, [...SERVER_NODE_FLAGS, 'server/main.ts'], {
	stdio: 'inherit',
	env: { ...process.env, ...SERVER_ENV }
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.on(signal, () => server.kill(signal));
}
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
