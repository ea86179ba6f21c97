import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface ReceivedRequest {
	method: string;
	url: string;
	headers: Record<string, string>;
	body: {
		model: string;
		messages: { role: string; content: string }[];
		response_format?: unknown;
	};
}

export interface OpenAiTestServer {
	/** http://127.0.0.1:<port>/v1, for LLM_BASE_URL. */
	baseUrl: string;
	requests: ReceivedRequest[];
	close(): Promise<void>;
}

const script = path.join(
	path.dirname(fileURLToPath(import.meta.url)),
	'openai-test-server.process.ts'
);

/**
 * A real OpenAI-compatible HTTP server (openai-test-server.process.ts) in a process of its own:
 * the summarizer reaches it only over HTTP, as it would a model server. Only for tests.
 */
export async function startOpenAiTestServer(): Promise<OpenAiTestServer> {
	const child = spawn(process.execPath, [script], { stdio: ['pipe', 'pipe', 'pipe'] });
	let errors = '';
	child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
	const requests: ReceivedRequest[] = [];
	const lines = readline.createInterface({ input: child.stdout });
	const port = await new Promise<number>((resolve, reject) => {
		child.once('exit', (code) =>
			reject(new Error(`the test model server exited (${code}) before listening: ${errors}`))
		);
		lines.on('line', (line) => {
			const value = JSON.parse(line) as { port?: number } & ReceivedRequest;
			if (typeof value.port === 'number') resolve(value.port);
			else requests.push(value);
		});
	});
	return {
		baseUrl: `http://127.0.0.1:${port}/v1`,
		requests,
		async close() {
			if (child.exitCode !== null) return;
			const exited = once(child, 'exit');
			child.stdin.end();
			await exited;
		}
	};
}
