import { describe, expect, it } from 'vitest';
import { buildOutcome, runQuietly } from './quiet-build.ts';
import { runningMessage } from '../../server/running-message.ts';

const node = process.execPath;

describe('npm start, quietly', () => {
	it('keeps a successful build’s output to itself and says how long it took', async () => {
		const result = await runQuietly(node, [
			'-e',
			'for (let i = 0; i < 200; i++) console.log("vite noise " + i); console.error("a warning")'
		]);
		expect(result.code).toBe(0);
		expect(result.output).toContain('vite noise 199');
		expect(result.output).toContain('a warning');
		expect(buildOutcome({ ...result, seconds: 41.6 })).toBe('done in 42 s.');
	});

	it('hands back a failed build’s output and exit code, to be shown', async () => {
		const result = await runQuietly(node, [
			'-e',
			'console.error("Syntax error in +page.svelte"); process.exit(3)'
		]);
		expect(result.code).toBe(3);
		expect(result.output).toContain('Syntax error in +page.svelte');
		expect(buildOutcome(result)).toBe('failed (exit code 3). The build said:');
	});

	it('reports a build that could not start as failed', async () => {
		const result = await runQuietly('/nonexistent/npm', []);
		expect(result.code).toBe(1);
		expect(result.output).toMatch(/ENOENT/);
	});
});

describe('the address printed last', () => {
	it('is the local address, "localhost" for one that listens everywhere', () => {
		expect(runningMessage({ host: '0.0.0.0', port: 3000, database: 'PGlite in data/pglite' })).toBe(
			'ConnectFlow is running at http://localhost:3000  (database: PGlite in data/pglite)'
		);
		expect(runningMessage({ host: '127.0.0.1', port: 4173, database: 'Postgres' })).toBe(
			'ConnectFlow is running at http://127.0.0.1:4173  (database: Postgres)'
		);
	});

	it('is ORIGIN’s when it is set, with where the server listens after it', () => {
		expect(
			runningMessage({
				origin: 'https://chat.example.com/',
				host: '0.0.0.0',
				port: 3000,
				database: 'Postgres'
			})
		).toBe(
			'ConnectFlow is running at https://chat.example.com  (listening on localhost:3000; database: Postgres)'
		);
	});
});
