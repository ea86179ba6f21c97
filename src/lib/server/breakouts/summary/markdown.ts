import type { BreakoutPerson, BreakoutSummary } from './types.ts';

export interface SummaryHeading {
	title: string;
	/** How long the room ran, in milliseconds. */
	duration: number;
	participants: BreakoutPerson[];
	/** Where the participants read the whole room. */
	transcriptUrl: string;
}

/** "45 s", "12 min", "1 h 5 min". */
export function formatDuration(milliseconds: number): string {
	const seconds = Math.max(0, Math.round(milliseconds / 1000));
	if (seconds < 60) return `${seconds} s`;
	const minutes = Math.round(seconds / 60);
	if (minutes < 60) return `${minutes} min`;
	const hours = Math.floor(minutes / 60);
	return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}

/** One line of a list: no line breaks inside (they would end the list item). */
function item(text: string): string {
	return text.replace(/\s*\n+\s*/g, ' ').trim();
}

/**
 * The message the server posts in the parent channel, in the markdown messages use
 * (client/collab/markdown.ts: bold, lists, links; no headings, so section titles are bold
 * lines). Owners are written as plain names, not @mentions: the summary informs, it does not
 * notify everyone it names.
 */
export function renderSummaryMarkdown(summary: BreakoutSummary, heading: SummaryHeading): string {
	const blocks: string[] = [];
	const people = heading.participants.map((person) => person.name).join(', ');
	blocks.push(
		`**Breakout summary: ${item(heading.title)}**\n` +
			`${formatDuration(heading.duration)} · ${heading.participants.length} ${heading.participants.length === 1 ? 'participant' : 'participants'}: ${people}`
	);
	const section = (title: string, lines: string[]) => {
		if (lines.length > 0)
			blocks.push(`**${title}**\n${lines.map((text) => `- ${item(text)}`).join('\n')}`);
	};
	section('Key points', summary.keyPoints);
	section('Decisions', summary.decisions);
	section(
		'Action items',
		summary.actionItems.map((action) => {
			const owner = action.owner ? `**${action.owner.name}**: ` : '_No owner_: ';
			const due = action.due && !action.text.includes(action.due) ? ` (${action.due})` : '';
			return `${owner}${item(action.text)}${due}`;
		})
	);
	section('Open questions', summary.openQuestions);
	const empty =
		summary.keyPoints.length +
			summary.decisions.length +
			summary.actionItems.length +
			summary.openQuestions.length ===
		0;
	if (empty) blocks.push('_Nothing to summarize: the room said nothing that carries over._');
	const writer =
		summary.writer === 'built-in'
			? 'the built-in summarizer'
			: `a language model (${summary.writer.slice('llm:'.length)})`;
	blocks.push(`[Read the transcript](${heading.transcriptUrl}) · _Written by ${writer}_`);
	return blocks.join('\n\n');
}
