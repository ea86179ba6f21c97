/** One message of a breakout room, as the summarizer reads it. */
export interface BreakoutMessage {
	id: string;
	authorId: string;
	authorName: string;
	text: string;
	/** When it was written: ISO 8601 or epoch milliseconds. */
	at: string | number;
	threadId?: string;
}

export interface BreakoutPerson {
	id: string;
	name: string;
}

export interface BreakoutTranscript {
	title: string;
	startedAt: string | number;
	endedAt: string | number;
	participants: BreakoutPerson[];
	messages: BreakoutMessage[];
}

export interface ActionItem {
	text: string;
	/** Who took it on: the speaker of "I'll …", the person named in "@Name will …"; null if nobody. */
	owner: BreakoutPerson | null;
	/** The deadline as written ("by Friday", "tomorrow"), when one was given. */
	due?: string;
}

export interface BreakoutSummary {
	/** Which summarizer wrote it: the built-in extractive one, or a language model. */
	writer: 'built-in' | `llm:${string}`;
	keyPoints: string[];
	decisions: string[];
	actionItems: ActionItem[];
	openQuestions: string[];
}
