import { z } from 'zod';
import type { BreakoutPerson, BreakoutSummary, BreakoutTranscript } from './types.ts';

/** An OpenAI-compatible chat-completions endpoint (LLM_BASE_URL, LLM_MODEL, LLM_API_KEY). */
export interface LlmSettings {
	baseUrl: string;
	model: string;
	apiKey: string;
	/** How long the whole request may take; past it the built-in summarizer writes the summary. */
	timeoutMs?: number;
}

export const LLM_TIMEOUT_MS = 20_000;
/** Most characters of transcript sent: the end of a very long room is what it came to. */
const MAX_TRANSCRIPT_CHARS = 48_000;

const completionSchema = z.object({
	choices: z.array(z.object({ message: z.object({ content: z.string() }) })).min(1)
});

const line = z.string().trim().min(1).max(600);
/** What the model is asked for: the summary's fields, owners by name. */
export const llmSummarySchema = z.object({
	keyPoints: z.array(line).max(10),
	decisions: z.array(line).max(20),
	actionItems: z
		.array(
			z.object({
				text: line,
				owner: z.string().trim().max(200).nullable().optional(),
				due: z.string().trim().max(100).nullable().optional()
			})
		)
		.max(30),
	openQuestions: z.array(line).max(20)
});

const INSTRUCTIONS = `You summarize a chat breakout room for the people who were not in it.
Answer with one JSON object and nothing else, with exactly these fields:
{"keyPoints": string[], "decisions": string[], "actionItems": [{"text": string, "owner": string | null, "due": string | null}], "openQuestions": string[]}
- keyPoints: at most 5 short points of what was discussed.
- decisions: what the room decided, one line each. Nothing that was only proposed.
- actionItems: tasks someone took on or was given; owner is the participant's name exactly as listed, or null; due as written ("by Friday"), or null.
- openQuestions: questions asked and not answered in the room.
Use the room's own words where you can. Do not invent anything.`;

function stamp(at: string | number): string {
	const date = new Date(at);
	return Number.isNaN(date.getTime()) ? '' : date.toISOString().slice(11, 16);
}

export function transcriptPrompt(transcript: BreakoutTranscript): string {
	const lines = transcript.messages.map(
		(message) =>
			`[${stamp(message.at)}] ${message.authorName}: ${message.text.replace(/\s+/g, ' ')}`
	);
	let text = lines.join('\n');
	if (text.length > MAX_TRANSCRIPT_CHARS) text = '…\n' + text.slice(-MAX_TRANSCRIPT_CHARS);
	const people = transcript.participants.map((person) => person.name).join(', ');
	return `Room: ${transcript.title}\nParticipants: ${people}\n\nTranscript:\n${text}`;
}

function ownerByName(name: string | null | undefined, participants: BreakoutPerson[]) {
	if (!name) return null;
	const wanted = name.trim().replace(/^@/, '').toLowerCase();
	const exact = participants.find((person) => person.name.toLowerCase() === wanted);
	if (exact) return { id: exact.id, name: exact.name };
	const byFirst = participants.filter(
		(person) => person.name.toLowerCase().split(/\s+/)[0] === wanted.split(/\s+/)[0]
	);
	return byFirst.length === 1 ? { id: byFirst[0]!.id, name: byFirst[0]!.name } : null;
}

/** The JSON object in a model's answer, also when wrapped in a ```json fence. */
function jsonIn(content: string): unknown {
	const fenced = content.match(/```(?:json)?\s*([\s\S]*?)```/);
	return JSON.parse((fenced ? fenced[1]! : content).trim());
}

/**
 * Asks the model for the summary. Throws on anything short of a valid answer in time (network
 * error, HTTP error, timeout, not JSON, wrong shape): the caller falls back to the built-in one.
 */
export async function summarizeWithLlm(
	transcript: BreakoutTranscript,
	settings: LlmSettings
): Promise<BreakoutSummary> {
	const url = `${settings.baseUrl.replace(/\/+$/, '')}/chat/completions`;
	const response = await fetch(url, {
		method: 'POST',
		headers: {
			'content-type': 'application/json',
			authorization: `Bearer ${settings.apiKey}`
		},
		body: JSON.stringify({
			model: settings.model,
			temperature: 0.2,
			response_format: { type: 'json_object' },
			messages: [
				{ role: 'system', content: INSTRUCTIONS },
				{ role: 'user', content: transcriptPrompt(transcript) }
			]
		}),
		signal: AbortSignal.timeout(settings.timeoutMs ?? LLM_TIMEOUT_MS)
	});
	if (!response.ok) throw new Error(`The model answered HTTP ${response.status}.`);
	const completion = completionSchema.parse(await response.json());
	const summary = llmSummarySchema.parse(jsonIn(completion.choices[0]!.message.content));
	return {
		writer: `llm:${settings.model}`,
		keyPoints: summary.keyPoints,
		decisions: summary.decisions,
		actionItems: summary.actionItems.map((item) => ({
			text: item.text,
			owner: ownerByName(item.owner, transcript.participants),
			...(item.due ? { due: item.due } : {})
		})),
		openQuestions: summary.openQuestions
	};
}
