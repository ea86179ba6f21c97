import type { Logger } from 'pino';
import { summarizeExtractive } from './extractive.ts';
import { summarizeWithLlm, type LlmSettings } from './llm.ts';
import type { SummaryThread } from './summary-thread.ts';
import type { BreakoutSummary, BreakoutTranscript } from './types.ts';

export interface SummarizeOptions {
	/** A language model to write the summary; without one the built-in summarizer does. */
	llm?: LlmSettings | null;
	/** Where the built-in summarizer runs; without one it runs here, on the caller's thread. */
	thread?: SummaryThread | null;
	logger?: Pick<Logger, 'warn'>;
}

/**
 * The summary of a breakout room at its end. With a model configured it writes it; on any
 * failure (unreachable, slow, an answer that is not the JSON asked for) the built-in summarizer
 * does, and `writer` says which one did.
 */
export async function summarizeBreakout(
	transcript: BreakoutTranscript,
	options: SummarizeOptions = {}
): Promise<BreakoutSummary> {
	if (options.llm) {
		try {
			return await summarizeWithLlm(transcript, options.llm);
		} catch (error) {
			options.logger?.warn(
				{ err: error, model: options.llm.model, title: transcript.title },
				'breakout summary: the language model failed, the built-in summarizer writes it'
			);
		}
	}
	return options.thread ? options.thread.summarize(transcript) : summarizeExtractive(transcript);
}

/** The model settings from the configuration, when all three are set. */
export function llmSettingsFrom(config: {
	LLM_BASE_URL?: string;
	LLM_MODEL?: string;
	LLM_API_KEY?: string;
	LLM_TIMEOUT_SECONDS?: number;
}): LlmSettings | null {
	if (!config.LLM_BASE_URL || !config.LLM_MODEL || !config.LLM_API_KEY) return null;
	return {
		baseUrl: config.LLM_BASE_URL,
		model: config.LLM_MODEL,
		apiKey: config.LLM_API_KEY,
		...(config.LLM_TIMEOUT_SECONDS ? { timeoutMs: config.LLM_TIMEOUT_SECONDS * 1000 } : {})
	};
}
