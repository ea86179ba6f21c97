/** Breakout room summaries: see docs/ARCHITECTURE.md "Breakout summaries". Server only. */
export type {
	ActionItem,
	BreakoutMessage,
	BreakoutPerson,
	BreakoutSummary,
	BreakoutTranscript
} from './types.ts';
export { summarizeExtractive } from './extractive.ts';
export { SummaryThread } from './summary-thread.ts';
export { summarizeWithLlm, LLM_TIMEOUT_MS, type LlmSettings } from './llm.ts';
export { summarizeBreakout, llmSettingsFrom, type SummarizeOptions } from './summarize.ts';
export { renderSummaryMarkdown, formatDuration, type SummaryHeading } from './markdown.ts';
