import { spawn } from 'node:child_process';

export interface BuildResult {
	/** The command's exit code (1 when it was ended by a signal or could not start). */
	code: number;
	/** What it printed, stdout and stderr interleaved as they came. */
	output: string;
	seconds: number;
}

/**
 * Runs the build with its output captured instead of shown: a newcomer's `npm start` prints two
 * lines, not the bundler's hundreds; the captured output is there to show when the build fails.
 */
export function runQuietly(command: string, args: readonly string[]): Promise<BuildResult> {
	const started = performance.now();
	return new Promise((resolve) => {
		const chunks: Buffer[] = [];
		const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
		child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
		child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
		const done = (code: number, extra = '') =>
			resolve({
				code,
				output: Buffer.concat(chunks).toString('utf8') + extra,
				seconds: (performance.now() - started) / 1000
			});
		child.on('error', (error) => done(1, `${error.message}\n`));
		child.on('close', (code) => done(code ?? 1));
	});
}

/** The line after "Building ConnectFlow… ". */
export function buildOutcome(result: BuildResult): string {
	return result.code === 0
		? `done in ${result.seconds.toFixed(0)} s.`
		: `failed (exit code ${result.code}). The build said:`;
}
