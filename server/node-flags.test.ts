import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { missingServerFlags, SERVER_ENV, SERVER_NODE_FLAGS } from './node-flags.ts';

/** The server's V8 flags (node-flags.ts) are where the server is started, and V8 takes them. */
describe('the server process flags', () => {
	it('are on the command line of the Docker image and of npm run start:built', () => {
		const cmd = /^CMD (\[.*\])$/m.exec(fs.readFileSync('Dockerfile', 'utf8'));
		expect(cmd).not.toBeNull();
		expect(JSON.parse(cmd![1]!)).toEqual(['node', ...SERVER_NODE_FLAGS, 'server/main.ts']);
		const dockerEnv = [...fs.readFileSync('Dockerfile', 'utf8').matchAll(/^ENV (\w+)=(\S+)$/gm)];
		for (const [name, value] of Object.entries(SERVER_ENV)) {
			expect(dockerEnv.map((match) => [match[1], match[2]])).toContainEqual([name, value]);
		}
		const scripts = (
			JSON.parse(fs.readFileSync('package.json', 'utf8')) as {
				scripts: Record<string, string>;
			}
		).scripts;
		const env = Object.entries(SERVER_ENV).map(([name, value]) => `${name}=${value} `);
		expect(scripts['start:built']).toBe(
			`${env.join('')}node ${SERVER_NODE_FLAGS.join(' ')} server/main.ts`
		);
	});

	it('are accepted by this Node and bound the young generation', () => {
		// Short-lived objects of which some survive a while, as a message's do: without the flag
		// V8 grows the young generation to 128 MB (two semi-spaces of 64 MB).
		const burst = `const v8 = require('node:v8');
			const recent = [];
			for (let round = 0; round < 3000; round++) {
				const objects = [];
				for (let i = 0; i < 5000; i++) objects.push({ i });
				recent.push(objects);
				if (recent.length > 40) recent.shift();
			}
			const space = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
			process.stdout.write(String(space.space_size));`;
		const run = spawnSync(process.execPath, [...SERVER_NODE_FLAGS, '-e', burst], {
			encoding: 'utf8'
		});
		expect(run.stderr).toBe('');
		expect(run.status).toBe(0);
		// Two semi-spaces of 8 MB; V8 may count a page or two more than that, far from the 128 MB
		// it reaches without the flag (and from the 32 MB of the 16 MB setting before).
		expect(Number(run.stdout)).toBeLessThan(24 * 1024 * 1024);
	});

	it('names the flags a process was started without', () => {
		const env = { ...SERVER_ENV };
		expect(
			missingServerFlags(['--max-semi-space-size=8', '--heap-growing-percent=50'], env)
		).toEqual(['--liftoff-only']);
		expect(missingServerFlags([...SERVER_NODE_FLAGS, '--inspect'], env)).toEqual([]);
		expect(missingServerFlags(SERVER_NODE_FLAGS, {})).toEqual([
			'MALLOC_ARENA_MAX=1',
			'MALLOC_MMAP_THRESHOLD_=65536',
			'MALLOC_TRIM_THRESHOLD_=65536',
			'NODE_COMPILE_CACHE=.cache/node-compile'
		]);
	});
});
