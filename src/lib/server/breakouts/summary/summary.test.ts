import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../../client/collab/markdown.ts';
import { summarizeExtractive, isFiller } from './extractive.ts';
import { renderSummaryMarkdown } from './markdown.ts';
import { SummaryThread } from './summary-thread.ts';
import { loadCases } from './testing/quality.ts';
import type { BreakoutTranscript } from './types.ts';
import { logger } from '#server/logging/logger.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const planning = loadCases(path.join(here, 'testdata')).find((c) =>
	c.file.startsWith('01-')
)!.transcript;

const people = [
	{ id: 'u-a', name: 'Ada Lovelace' },
	{ id: 'u-b', name: 'Bo Chen' },
	{ id: 'u-c', name: 'Cy Young' }
];
function room(lines: [string, string, number?][]): BreakoutTranscript {
	let at = Date.parse('2026-12-01T10:00:00Z');
	return {
		title: 'Room',
		startedAt: at,
		endedAt: at + 600_000,
		participants: people,
		messages: lines.map(([by, text, after], index) => {
			at += (after ?? 20) * 1000;
			const person = people.find((p) => p.id === by)!;
			return { id: String(index), authorId: by, authorName: person.name, text, at };
		})
	};
}

describe('built-in summarizer', () => {
	it('sets filler aside', () => {
		for (const text of ['ok', 'sounds good', '+1', 'thanks!', '👍👍', 'lol', 'Thanks all 🙏'])
			expect(isFiller(text), text).toBe(true);
		for (const text of ['We decided on Lisbon', "I'll send the deck", 'Is it ready?'])
			expect(isFiller(text), text).toBe(false);
	});

	it('gives actions to the speaker of "I\'ll", to the one named in "@Name will" and "Name to"', () => {
		const summary = summarizeExtractive(
			room([
				['u-a', "I'll write the release notes by Friday"],
				['u-b', '@Cy Young will update the pricing page'],
				['u-c', 'Bo to book the meeting room for Tuesday'],
				['u-a', 'TODO: migrate the staging database']
			])
		);
		expect(summary.actionItems).toEqual([
			{ text: 'Write the release notes by Friday', owner: people[0], due: 'by Friday' },
			{ text: 'Update the pricing page', owner: people[2] },
			{ text: 'Book the meeting room for Tuesday', owner: people[1], due: 'Tuesday' },
			{ text: 'Migrate the staging database', owner: null }
		]);
	});

	it('keeps decisions, drops near-duplicates, and leaves answered questions out', () => {
		const summary = summarizeExtractive(
			room([
				['u-a', 'Should we use Postgres or MySQL for the new service?'],
				['u-b', 'Postgres, we already run it everywhere'],
				['u-c', 'We decided: Postgres for the new billing service.'],
				['u-a', 'ok we decided, Postgres for the new billing service'],
				['u-b', 'sounds good'],
				['u-c', 'Who pays for the extra replica in the billing cluster?'],
				['u-a', 'thanks all']
			])
		);
		expect(summary.writer).toBe('built-in');
		expect(summary.decisions).toHaveLength(1);
		expect(summary.decisions[0]).toMatch(/Postgres for the new billing service/);
		expect(summary.openQuestions).toEqual([
			'Who pays for the extra replica in the billing cluster?'
		]);
	});

	it('lists as open only the questions nobody answered, however they were answered', () => {
		const summary = summarizeExtractive(
			room([
				['u-a', 'Is the audit export in Q1 or Q2?'],
				['u-b', 'Q2, the two customers can live with the CSV for now'],
				['u-c', 'Who tells the customers it slipped?'],
				['u-a', '@Bo to ping their account managers'],
				['u-b', 'Can engineering look at the slow search before March?'],
				['u-c', 'I can profile their queries next week'],
				['u-a', 'Should we fly out to see them?'],
				['u-b', 'no, a video call with their CTO first'],
				['u-c', 'Do other customers have the same search problem?'],
				['u-a', 'probably the big old tenants, but I haven’t checked'],
				['u-b', 'Do we need design for the bulk import?'],
				['u-c', 'no idea honestly'],
				['u-a', 'What if the replica lag spikes before the cutover?'],
				['u-b', 'lol then we panic']
			])
		);
		expect(summary.openQuestions).toEqual([
			'Do other customers have the same search problem?',
			'Do we need design for the bulk import?',
			'What if the replica lag spikes before the cutover?'
		]);
		// What the answers settled and handed out is in the summary instead.
		expect(summary.decisions).toEqual([
			expect.stringMatching(/^Q2, the two customers can live with the CSV/),
			expect.stringMatching(/^A video call with their CTO first/)
		]);
		expect(summary.actionItems.map((item) => [item.owner?.id, item.text])).toEqual([
			['u-b', expect.stringMatching(/^Ping their account managers \(on “Who tells the customers/)],
			['u-c', expect.stringMatching(/^Profile their queries next week/)]
		]);
	});

	it('summarizes a room with no messages as an empty summary', () => {
		expect(summarizeExtractive(room([]))).toEqual({
			writer: 'built-in',
			keyPoints: [],
			decisions: [],
			actionItems: [],
			openQuestions: []
		});
	});
});

describe('SummaryThread', () => {
	const thread = new SummaryThread();
	afterAll(() => thread.close());

	it('ranks on a worker thread and answers what the pure function answers', async () => {
		const [first, second] = await Promise.all([
			thread.summarize(planning),
			thread.summarize(room([['u-a', "I'll review the SAML parser tomorrow"]]))
		]);
		expect(first).toEqual(summarizeExtractive(planning));
		expect(second.actionItems[0]?.owner).toEqual(people[0]);
		expect(thread.pending).toBe(0);
	});

	it('keeps the event loop free while a long room is ranked', async () => {
		// 1,200 messages: several hundred ms of ranking, which would block the loop if run here.
		const long = room(
			Array.from({ length: 1200 }, (_, i): [string, string] => [
				people[i % 3]!.id,
				`Message ${i} about the ${['billing', 'search', 'deploy', 'pricing'][i % 4]} work and item ${i % 37}`
			])
		);
		let ticks = 0;
		let longestGap = 0;
		let last = performance.now();
		const timer = setInterval(() => {
			const now = performance.now();
			longestGap = Math.max(longestGap, now - last);
			last = now;
			ticks += 1;
		}, 5);
		const started = performance.now();
		const summary = await thread.summarize(long);
		const took = performance.now() - started;
		clearInterval(timer);
		expect(summary.writer).toBe('built-in');
		logger.info(
			{ messages: 1_200, tookMs: Math.round(took), ticks, longestGapMs: Math.round(longestGap) },
			'breakout summary ranked off the event loop'
		);
		expect(ticks).toBeGreaterThan(took / 50);
		expect(longestGap).toBeLessThan(Math.max(100, took / 2));
	});

	it('fails what it holds when closed, and starts again on the next summary', async () => {
		const other = new SummaryThread();
		const failed = expect(other.summarize(planning)).rejects.toThrow(/closed/);
		await other.close();
		await failed;
		const again = await other.summarize(planning);
		expect(again.writer).toBe('built-in');
		await other.close();
	});
});

describe('renderSummaryMarkdown', () => {
	it('writes the title, duration, people, sections, owners, the link and the writer', () => {
		const summary = summarizeExtractive(planning);
		const text = renderSummaryMarkdown(summary, {
			title: planning.title,
			duration: 15 * 60_000,
			participants: planning.participants,
			transcriptUrl: 'https://chat.example.com/c/abc/breakout/42'
		});
		expect(text).toContain('**Breakout summary: Sprint 42 planning**');
		expect(text).toContain(
			'15 min · 4 participants: Maya Chen, Tom Okafor, Lena Fischer, Raj Patel'
		);
		expect(text).toContain('**Decisions**');
		expect(text).toContain('**Action items**');
		expect(text).toContain('- **Tom Okafor**: Review the SAML parser');
		expect(text).toContain('**Open questions**');
		expect(text).toContain('_Written by the built-in summarizer_');
		// As the app shows it: bold titles, lists, a link that opens.
		const html = renderMarkdown(text);
		expect(html).toContain('<strong>Breakout summary: Sprint 42 planning</strong>');
		expect(html).toMatch(/<ul><li><strong>Tom Okafor<\/strong>: Review the SAML parser/);
		expect(html).toContain('<a href="https://chat.example.com/c/abc/breakout/42"');
		expect(html).toContain('<em>Written by the built-in summarizer</em>');
	});

	it('names the model that wrote it', () => {
		const text = renderSummaryMarkdown(
			{ writer: 'llm:qwen2.5', keyPoints: [], decisions: [], actionItems: [], openQuestions: [] },
			{ title: 'x', duration: 90 * 60_000, participants: [], transcriptUrl: 'https://x.test/t' }
		);
		expect(text).toContain('1 h 30 min');
		expect(text).toContain('_Written by a language model (qwen2.5)_');
		expect(text).toContain('Nothing to summarize');
	});
});
