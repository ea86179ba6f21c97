import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { summarizeExtractive } from './extractive.ts';
import { EMPTY, add, loadCases, precision, recall, score, type Tally } from './testing/quality.ts';
import { logger } from '#server/logging/logger.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
/**
 * development: written first, with the rules then written against them. held out: written before
 * the summarizer was run on them; their first figures were recorded, and one round of general
 * fixes followed (so they are no longer strictly held out). held out 2: written after that round,
 * with the summarizer frozen; nothing was changed after their first run.
 */
const development = loadCases(path.join(here, 'testdata'));
const heldOut = loadCases(path.join(here, 'testdata', 'holdout'));
const heldOut2 = loadCases(path.join(here, 'testdata', 'holdout-2'));
/** held out 3: written after the second round; a third round of fixes followed its first run. */
const heldOut3 = loadCases(path.join(here, 'testdata', 'holdout-3'));
/** held out 4: written after the third round, never looked at while changing the summarizer. */
const heldOut4 = loadCases(path.join(here, 'testdata', 'holdout-4'));
/**
 * held out 5: written after held out 4 (issue 17's review), before the summarizer was run on
 * them; their first figures were recorded, then a round of general fixes (owner and wording
 * patterns) followed, measured again on them.
 */
const heldOut5 = loadCases(path.join(here, 'testdata', 'holdout-5'));
const cases = [...development, ...heldOut, ...heldOut2, ...heldOut3, ...heldOut4, ...heldOut5];
const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
const line = (name: string, t: Tally) =>
	`${name.padEnd(24)} recall ${percent(recall(t)).padStart(6)} (${t.recalled}/${t.expected})  precision ${percent(precision(t)).padStart(6)} (${t.correct}/${t.found})`;

describe('built-in summarizer quality over testdata/', () => {
	it('has the transcripts the measure needs', () => {
		expect(cases.length).toBeGreaterThanOrEqual(8);
		for (const { file, transcript } of cases) {
			expect(transcript.messages.length, file).toBeGreaterThanOrEqual(20);
			expect(transcript.messages.length, file).toBeLessThanOrEqual(60);
		}
	});

	it('finds at least 80% of the expected decisions and action items (with their owners), and lists few answered questions as open', () => {
		const report: string[] = [
			`Summary quality (match: ≥60% of an expected item's key words; actions also need the owner):`
		];
		const measure = (name: string, set: typeof cases) => {
			let decisions = EMPTY;
			let actions = EMPTY;
			let actionTexts = EMPTY;
			let questions = EMPTY;
			const details: string[] = [];
			for (const { file, transcript, expected } of set) {
				const summary = summarizeExtractive(transcript);
				const result = score(summary, expected);
				decisions = add(decisions, result.decisions);
				actions = add(actions, result.actionItems);
				actionTexts = add(actionTexts, result.actionTexts);
				questions = add(questions, result.openQuestions);
				for (const missed of result.decisions.missed)
					details.push(`  ${file}: missed decision "${missed}"`);
				for (const missed of result.actionItems.missed)
					details.push(`  ${file}: missed action "${missed.text}" (${missed.owner})`);
				for (const extra of result.decisions.extra)
					details.push(`  ${file}: extra decision "${extra}"`);
				for (const extra of result.actionItems.extra)
					details.push(`  ${file}: extra action "${extra.text}" (${extra.owner?.id ?? 'nobody'})`);
				for (const missed of result.openQuestions.missed)
					details.push(`  ${file}: missed open question "${missed}"`);
				for (const extra of result.openQuestions.extra)
					details.push(`  ${file}: extra open question "${extra}"`);
			}
			const both = add(decisions, actions);
			report.push(
				`${name} (${set.length} transcripts):`,
				line('  decisions', decisions),
				line('  action items + owner', actions),
				line('  action items (text)', actionTexts),
				line('  decisions + actions', both),
				line('  open questions', questions),
				...details
			);
			return { both, questions };
		};
		measure('development', development);
		measure('held out', heldOut);
		measure('held out 2', heldOut2);
		measure('held out 3', heldOut3);
		measure('held out 4 (never tuned on)', heldOut4);
		measure('held out 5', heldOut5);
		const all = measure('all', cases);
		logger.info({ report }, 'breakout summary quality');
		expect(recall(all.both)).toBeGreaterThanOrEqual(0.8);
		// A question answered in the room and listed as open anyway is the commonest wrong item.
		expect(precision(all.questions)).toBeGreaterThanOrEqual(0.9);
	});
});
