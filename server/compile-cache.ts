import { spawnSync } from 'node:child_process';
import module from 'node:module';
import { SERVER_ENV, SERVER_NODE_FLAGS } from './node-flags.ts';
import { EXPORT_PROCESS_FLAGS } from '../src/lib/server/exports/export-process.ts';
import { FILE_CIPHER_PROCESS_FLAGS } from '../src/lib/server/storage/local-storage.ts';

/**
 * Node's compile cache for the server (NODE_COMPILE_CACHE in SERVER_ENV): each TypeScript
 * module's type-stripped source and V8's code for it. A start that finds every module there
 * never loads amaro, the WebAssembly build of swc that strips types, which would otherwise stay
 * in the process for its whole life (17 MB on the main thread, 12 MB on each worker thread with a
 * `.ts` entry). Entries are keyed by the file's path, its content and the V8 flags, so the cache
 * is filled where the server runs, with the server's flags: by `npm run build` for this folder,
 * by the Docker image's build for the image, by the benchmark for its copy of the app.
 */

/**
 * Modules the server loads after it started, each in its own time: what the environment switches
 * on (S3, Redis) and the summary thread's entry (when the first summary needs it; the export and
 * file cipher processes have flags of their own and are compiled apart, below). Loaded here only
 * to be compiled: an entry that expects a parent thread throws once compiled, as expected.
 */
const LOADED_LATER = [
	'../src/lib/server/storage/s3-storage.ts',
	'./collab/scale-out.ts',
	'../src/lib/server/breakouts/summary/summary.worker.ts'
];

/**
 * Run by `node server/main.ts --warm-compile-cache` once main.ts's own imports are loaded (which
 * compiled them): compiles the modules loaded later, then writes the cache to disk.
 */
export async function warmCompileCache(): Promise<void> {
	// The entries lower their thread's priority as they load: they come last.
	for (const path of LOADED_LATER) {
		await import(new URL(path, import.meta.url).href).catch(() => undefined);
	}
	module.flushCompileCache();
}

/**
 * Fills the compile cache of the app in `appDir` (the folder the server runs in) by starting the
 * server's entry, and the export process's, in warm mode with their flags and the server's
 * environment (`env` over it; tests name another cache folder there). Throws when that fails.
 */
export function fillCompileCache(appDir: string, env: Record<string, string> = {}): void {
	const warm = (args: string[]) => {
		const run = spawnSync(
			process.execPath,
			[...SERVER_NODE_FLAGS, ...args, '--warm-compile-cache'],
			{
				cwd: appDir,
				env: { ...process.env, ...SERVER_ENV, ...env },
				encoding: 'utf8'
			}
		);
		if (run.status !== 0) {
			throw new Error(`filling the compile cache failed (${run.status}): ${run.stderr}`);
		}
	};
	warm(['server/main.ts']);
	// The export and file cipher processes run with flags of their own, and the cache's entries
	// name the flags.
	warm([...EXPORT_PROCESS_FLAGS, 'src/lib/server/exports/export-process.entry.ts']);
	warm([...FILE_CIPHER_PROCESS_FLAGS, 'src/lib/server/storage/file-cipher.entry.ts']);
}
