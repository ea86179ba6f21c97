import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.ts';
import { summarizeExtractive } from './extractive.ts';
import { summarizeBreakout, llmSettingsFrom } from './summarize.ts';
import { summarizeWithLlm } from './llm.ts';
import { SummaryThread } from './summary-thread.ts';
import { startOpenAiTestServer, type OpenAiTestServer } from './testing/openai-test-server.ts';
import { loadCases } from './testing/quality.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const planning = loadCases(path.join(here, 'testdata')).find((c) =>
	c.file.startsWith('01-')
)!.transcript;

let server: OpenAiTestServer;
const thread = new SummaryThread();
const warnings: unknown[] = [];
const logger = { warn: (details: unknown) => void warnings.push(details) };

beforeAll(async () => {
	server = await startOpenAiTestServer();
});
afterAll(async () => {
	await server?.close();
	await thread.close();
});

const settings = (model: string, timeoutMs = 20_000) => ({
	baseUrl: server.baseUrl,
	model,
	apiKey: 'test-key',
	timeoutMs
});

describe('summary by a language model (OpenAI-compatible server in its own process)', () => {
	it('asks for the JSON summary and uses a good answer, owners matched to participants', async () => {
		const summary = await summarizeBreakout(planning, { llm: settings('good'), thread, logger });
		expect(summary.writer).toBe('llm:good');
		expect(summary.decisions).toEqual([
			'SSO goes first this sprint; dashboard polish moves to sprint 43.'
		]);
		expect(summary.actionItems).toEqual([
			{ text: 'Review the SAML parser', owner: { id: 'u-tom', name: 'Tom Okafor' } },
			{
				text: 'Finish the CSV export streaming',
				owner: { id: 'u-raj', name: 'Raj Patel' },
				due: 'Thursday'
			},
			{ text: 'Book the demo room', owner: null }
		]);
		const request = server.requests.at(-1)!;
		expect(request.method).toBe('POST');
		expect(request.url).toBe('/v1/chat/completions');
		expect(request.headers.authorization).toBe('Bearer test-key');
		expect(request.body.model).toBe('good');
		expect(request.body.response_format).toEqual({ type: 'json_object' });
		expect(request.body.messages[1]!.content).toContain("Tom Okafor: I'll review the SAML parser");
	});

	it('reads an answer wrapped in a ```json fence', async () => {
		const summary = await summarizeWithLlm(planning, settings('fenced'));
		expect(summary.writer).toBe('llm:fenced');
		expect(summary.openQuestions).toHaveLength(1);
	});

	// The slow model would answer well after 10 s: a built-in summary with a TimeoutError proves
	// the client's own timeout cut the wait short, without timing the test against the clock.
	it.each([
		['slow', 'a model slower than the timeout', 'TimeoutError'],
		['garbage', 'an answer that is not JSON', 'SyntaxError'],
		['wrong-shape', 'JSON without the fields asked for', 'ZodError'],
		['error', 'an HTTP error', 'Error']
	])('falls back to the built-in summarizer on %s (%s)', async (model, _case, errorName) => {
		const before = warnings.length;
		const summary = await summarizeBreakout(planning, {
			llm: settings(model, 500),
			thread,
			logger
		});
		expect(summary.writer).toBe('built-in');
		expect(summary).toEqual(summarizeExtractive(planning));
		expect(warnings.length).toBe(before + 1);
		const { err } = warnings.at(-1) as { err: Error };
		expect(err.name).toBe(errorName);
	});

	it('falls back when nothing listens at the address', async () => {
		const summary = await summarizeBreakout(planning, {
			llm: { baseUrl: 'http://127.0.0.1:9/v1', model: 'm', apiKey: 'k', timeoutMs: 2_000 },
			thread,
			logger
		});
		expect(summary.writer).toBe('built-in');
	});
});

describe('LLM settings', () => {
	it('are used only when base URL, model and key are all set', () => {
		const config = loadConfig({
			LLM_BASE_URL: 'http://127.0.0.1:11434/v1',
			LLM_MODEL: 'llama3.1',
			LLM_API_KEY: 'k'
		});
		expect(llmSettingsFrom(config)).toEqual({
			baseUrl: 'http://127.0.0.1:11434/v1',
			model: 'llama3.1',
			apiKey: 'k',
			timeoutMs: 20_000
		});
		expect(
			llmSettingsFrom(loadConfig({ LLM_BASE_URL: 'http://x.test/v1', LLM_MODEL: 'm' }))
		).toBeNull();
		expect(() => loadConfig({ LLM_BASE_URL: 'ftp://x.test' })).toThrow(/LLM_BASE_URL/);
	});
});
