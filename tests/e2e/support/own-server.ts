import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A ConnectFlow server of a test's own (the built app, as `npm start` runs it), for what must
 * not touch the server every other browser test shares: a database that goes away, or an
 * address that guessed wrong join codes until it is made to wait.
 */
export interface OwnServer {
	origin: string;
	/** What the server printed, for a failing test's message. */
	output(): string;
	stop(): Promise<void>;
}

export async function startOwnServer(
	env: Record<string, string> = {},
	/** A data folder prepared before (e.g. seeded); a new one otherwise. Deleted by `stop`. */
	given?: { dataDir: string }
): Promise<OwnServer> {
	const port = await freePort();
	const dataDir = given?.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'connectflow-e2e-'));
	let printed = '';
	const child: ChildProcess = spawn(process.execPath, ['server/main.ts'], {
		env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	for (const stream of [child.stdout, child.stderr]) {
		stream?.on('data', (chunk: Buffer) => (printed += chunk.toString()));
	}
	const origin = `http://127.0.0.1:${port}`;
	const stop = async () => {
		if (child.exitCode === null) {
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGTERM');
			await exited;
		}
		fs.rmSync(dataDir, { recursive: true, force: true });
	};
	const deadline = Date.now() + 60_000;
	for (;;) {
		if (child.exitCode !== null) {
			throw new Error(`The server exited (${child.exitCode}) before it answered:\n${printed}`);
		}
		try {
			if ((await fetch(`${origin}/api/openapi.json`)).ok) break;
		} catch {
			// Not listening yet.
		}
		if (Date.now() > deadline) {
			await stop();
			throw new Error(`The server did not answer within 60 s:\n${printed}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	return { origin, output: () => printed, stop };
}

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = net.createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const address = probe.address();
			probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
		});
	});
}
