import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** collab-process.ts in a child process, for tests that kill the server or run two. */
const entry = path.resolve('server/collab/testing/collab-process.ts');

export function runCollabProcess(args: string[], env: Record<string, string>): ChildProcess {
	return spawn(process.execPath, [entry, ...args], {
		env: { ...process.env, ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
}

/** Resolves with the child's output once `until` holds for it; rejects if it exits first. */
export function outputOf(child: ChildProcess, until: (text: string) => boolean): Promise<string> {
	return new Promise((resolve, reject) => {
		let text = '';
		let errors = '';
		child.stdout!.on('data', (chunk: Buffer) => {
			text += chunk.toString();
			if (until(text)) resolve(text);
		});
		child.stderr!.on('data', (chunk: Buffer) => {
			errors += chunk.toString();
			if (process.env.DEBUG_COLLAB_CHILD) console.log('[server]', chunk.toString());
		});
		child.on('exit', (code) => {
			if (!until(text)) reject(new Error(`collab process exited (${code}): ${errors}`));
		});
	});
}

/** Kills the child at once (SIGKILL: no shutdown work) and waits until it is gone. */
export async function killCollabProcess(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise((resolve) => child.once('exit', resolve));
	child.kill('SIGKILL');
	await exited;
}
