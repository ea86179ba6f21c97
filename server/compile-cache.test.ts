import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fillCompileCache } from './compile-cache.ts';
import { SERVER_ENV, SERVER_NODE_FLAGS } from './node-flags.ts';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'connectflow-compile-cache-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** Starts the server's entry in warm mode and answers the internal modules it loaded. */
function warmStart(cache: string): string[] {
	const probe = path.join(scratch, 'probe.mjs');
	fs.writeFileSync(
		probe,
		// Its last line of output, for this test to read: the internal modules the process loaded.
		`process.on('exit', () => process.stdout.write(JSON.stringify(process.moduleLoadList) + '\\n'));\n`
	);
	const run = spawnSync(
		process.execPath,
		[...SERVER_NODE_FLAGS, '--import', probe, 'server/main.ts', '--warm-compile-cache'],
		{ env: { ...process.env, ...SERVER_ENV, NODE_COMPILE_CACHE: cache }, encoding: 'utf8' }
	);
	expect(run.status, run.stderr).toBe(0);
	return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as string[];
}

const stripper = (loaded: string[]) => loaded.filter((name) => name.includes('amaro'));

describe('the compile cache', () => {
	it('spares the server the TypeScript stripper once filled', { timeout: 60_000 }, () => {
		const cache = path.join(scratch, 'cache');
		// Empty: every module is stripped, so the stripper (a WebAssembly swc) is loaded for good.
		expect(stripper(warmStart(cache))).not.toEqual([]);
		fs.rmSync(cache, { recursive: true, force: true });
		fillCompileCache(process.cwd(), { NODE_COMPILE_CACHE: cache });
		expect(fs.readdirSync(cache)).not.toEqual([]);
		expect(stripper(warmStart(cache))).toEqual([]);
	});
});
