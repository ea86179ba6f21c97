import { spawnSync } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { idlePolicyLauncher } from './idle-policy.ts';

const SCHED_OTHER = 0;
const SCHED_IDLE = 5;

/** The scheduling policy of a thread, from its /proc stat line (field 41). */
function policyOf(statPath: string): number {
	const stat = readFileSync(statPath, 'utf8');
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	return Number(fields[38]);
}

describe.runIf(process.platform === 'linux')(
	'the idle scheduling policy for background work',
	() => {
		it('starts a command under SCHED_IDLE', () => {
			const launcher = idlePolicyLauncher();
			expect(launcher, 'chrt (util-linux) is on this machine').not.toEqual([]);
			const command = [...launcher, 'cat', '/proc/self/stat'];
			const run = spawnSync(command[0]!, command.slice(1), { encoding: 'utf8' });
			expect(run.status).toBe(0);
			const fields = run.stdout.slice(run.stdout.lastIndexOf(')') + 2).split(' ');
			expect(Number(fields[38])).toBe(SCHED_IDLE);
		});

		it('moves a worker thread to SCHED_IDLE and leaves the main thread as it was', async () => {
			const module = new URL('./idle-policy.ts', import.meta.url).href;
			const worker = new Worker(
				`const { parentPort } = require('node:worker_threads');
			const { readlinkSync } = require('node:fs');
			import(${JSON.stringify(module)}).then((policy) => {
				const moved = policy.idlePolicyForThisThread();
				parentPort.postMessage({ moved, tid: readlinkSync('/proc/thread-self').split('/').pop() });
				setTimeout(() => {}, 10_000);
			});`,
				{ eval: true }
			);
			try {
				const { moved, tid } = await new Promise<{ moved: boolean; tid: string }>(
					(resolve, reject) => {
						worker.once('message', resolve);
						worker.once('error', reject);
					}
				);
				expect(moved).toBe(true);
				expect(policyOf(`/proc/self/task/${tid}/stat`)).toBe(SCHED_IDLE);
				const mainTid = path.basename(readlinkSync('/proc/thread-self'));
				expect(policyOf(`/proc/self/task/${mainTid}/stat`)).toBe(SCHED_OTHER);
			} finally {
				await worker.terminate();
			}
		});
	}
);
