/**
 * The built-in summarizer: extractive, written for chat, no network. It picks sentences people
 * wrote rather than writing new ones, so it cannot invent a decision nobody took.
 *
 * 1. Messages are split into sentences; filler ("ok", "+1", "thanks", emoji alone) is set aside
 *    (it still counts as a yes to a question).
 * 2. Decision wording ("we decided", "let's go with", "agreed", "final:", "X it is", a yes that
 *    restates a proposal, "+1 <option>") and action wording ("I'll …", "@Name will …",
 *    "Name to …", "TODO:", "action:", "Name, can you …?" answered yes by Name) mark candidates,
 *    with the owner matched against the participants and a deadline when one is written.
 * 3. A question is answered when someone else replies soon after with a yes/no or an answer
 *    sharing its words; the rest are the open questions.
 * 4. TextRank over TF-IDF sentence vectors, with decisions and actions given a head start, ranks
 *    everything: the best remaining sentences are the key points, and the rank decides which
 *    items stay when there are more than a message can hold. Near-duplicates keep one copy.
 *
 * Pure and synchronous: summary-thread.ts runs it off the event loop.
 */
import type { ActionItem, BreakoutPerson, BreakoutSummary, BreakoutTranscript } from './types.ts';
import { contentStems, jaccard, keyWords, sharedCount, splitSentences } from './text.ts';
import { textRank } from './textrank.ts';

export const LIMITS = { keyPoints: 5, decisions: 8, actionItems: 12, openQuestions: 6 };

/** Seconds and messages within which a reply counts as an answer to a question. */
const ANSWER_WINDOW_MS = 5 * 60_000;
const ANSWER_WINDOW_MESSAGES = 6;

interface Unit {
	index: number;
	message: number;
	author: BreakoutPerson;
	at: number;
	text: string;
	/** The sentence with curly quotes straightened and lowercased, for the cue patterns. */
	plain: string;
	messageText: string;
	stems: string[];
	keys: Set<string>;
	filler: boolean;
	question: boolean;
}

interface Candidate {
	unit: Unit;
	text: string;
	keys: Set<string>;
}

interface ActionCandidate extends Candidate {
	owner: BreakoutPerson | null;
	due?: string;
}

const FILLER_WORDS = new Set(
	(
		'ok okay k kk sure yes yeah yep yup ya no nope nah thanks thank thx ty cheers cool nice ' +
		'great good sounds fine lol lmao haha hah hehe ouch wow oh ah hmm +1 agree same me too will ' +
		'do on it perfect awesome hi hello hey all everyone both bye np right exactly true indeed ' +
		'yay got makes sense love done looking works for with by that this ! . the guys folks team ' +
		'you very much so much please sgtm lgtm ack noted roger welcome fair catch question'
	).split(/\s+/)
);
const INTERJECTION = /^(lol|lmao|haha+|hehe|ouch|wow|oof|omg|rofl)\b/;
const CLOSING =
	/\b(time'?s up|wrap(ping)? up|got(ta)? (go|run)|see (you|ya)|good (session|review|debrief|meeting|call)|great (session|review|debrief|meeting|call)|we'?re done|that'?s all|that'?s it for)\b/;
const MEETING_TALK =
	/\b(let'?s (get going|get started|start|begin|kick off|triage|go round)|quick one|we have \d+ minutes|this room|for this room|time'?s up)\b/;
const ANSWER_OPENER =
	/^(yes|yeah|yep|yup|no|nope|nah|not (really|yet|sure)|probably|maybe|definitely|correct|right|i think|i believe|i like|\+1|agreed?|let'?s|sure|\d)/;
const NON_ANSWER =
	/\b(good question|no idea|not sure|don'?t know|can'?t decide|dunno|haven'?t checked|not checked yet|(?:don'?t|do not) have an answer)\b/;
const AFFIRMATION =
	/^(yes|yeah|yep|yup|sure|ok|okay|will do|on it|of course|no problem|np|can do|absolutely|i'?ll|i will|i can|done)\b/;
const PROPOSAL =
	/^(and |so |also |then )?(could|can|should|shall|do|does|what if|how about|why not|would)\b/;
/** How a question that asks (rather than puts something forward, like "hotfix then?") starts. */
const ASKING =
	/^(?:(?:and|so|also|then|but|ok|okay|wait|hmm)\W+)*(?:who|whom|whose|what|when|where|why|how|which|is|are|was|were|did|has|have|had|will|may|might|any|anyone|anybody|does|do|can|could|would|should|shall|isn't|aren't|didn't|doesn't|don't)\b/;

const DECISION_CUES: RegExp[] = [
	/\bwe(?:'ve| have)?\s+(?:decided|agreed|settled|chose|picked)\b/,
	/\bwe(?:'re| are)\s+agreed\b/,
	/\blet'?s\s+(?:go with|go for|do|use|keep|stick with|ship|move|make)\b/,
	/\bwe(?:'ll| will)\s+go (?:with|for)\b/,
	/\bgoing with\b/,
	/^(?:(?:ok|okay|so|alright)\W+)?(?:final|decision|decided|agreed|conclusion|resolved|consensus)\b/,
	/^(?:(?:ok|okay|so)\W+)?(?:\S+\s+){1,4}it is[.!]*$/,
	/^(?:ok|okay)\s*:/,
	/\bwe(?:'ll| will)? go with (?:that|this|it)\b/,
	/\b(?:going forward|from now on)\b/,
	/\b(?:that's|that is) the plan\b/,
	/\bthe plan is\b/,
	// "ok so Bea and Max cover …", "fine: engineering by the quiet zone": the room's lead sums up.
	/^(?:ok(?:ay)?|fine|right|alright)\s*(?:,\s*)?(?:so\b|:)/,
	// "ok, cutover is Saturday at 22:00", "ok halting the rollout now": an acknowledgement, then
	// what the room settled (a question or a task is caught before this).
	/^(?:ok(?:ay)?|alright|fine)\b[\s,]+(?!(?:so|and|but|then|thanks|thank|i|you|we|let'?s|that|this|it|lol|haha|cool|nice|great|good|sure|same|yes|yeah|ok|okay)\b)[a-z0-9]+(?:\s+\S+){2,}/,
	/\bwe(?:'ll| will| are going to|'re going to)\s+(?!see\b|need\b|have to\b|talk\b|figure\b|check\b|find out\b|probably\b|get back\b)[a-z]+/,
	/^we (?:stay|keep|stick|use|ship|drop|move|go|put|skip|pick)\b/,
	/\bgo with\b/
];
const DECISION_PREFIX =
	/^(?:(?:ok|okay|so|alright|yes|yeah|fine|great)\W+)*(?:we(?:'ve| have| are|'re)?\s+(?:decided|agreed|settled)(?:\s+then)?(?:\s+(?:to|that|on))?\s*:?\s*|(?:final|decision|decided|agreed|conclusion|resolved|consensus)\s*[:,.-]?\s*|let'?s go with\s+|i like that\W+|(?:the )?(?:rule|plan) going forward\s*:\s*)?/i;

const ACTION_LEAD = /^(?:(?:ok|okay|so|and|then|fine|yes|yeah|yep|sure|right|great)\b[\s,.!:]*)+/i;
const TASK_PREFIX = /^(?:todo|to-do|action(?:\s+item)?|ai|follow[- ]up)\b\s*[:\-–]?\s*/i;
const FIRST_PERSON =
	/\b(?:i'll|i will|i can|i'm going to|i am going to|i'm gonna|let me|i(?:'d| would)? need to|i have to|i must)\s+(?!need\b|be\b|think\b|guess\b|bet\b|admit\b|say\b|see\b|check if\b|not\b)(?:also\s+|then\s+)?([a-z]+)/i;
const DUE =
	/\b(?:(?:by|before|until|on|due)\s+)?(?:the\s+)?(?:today|tonight|tomorrow|eod|end of (?:the )?(?:day|week|month|sprint)|(?:this|next) (?:week|month|sprint|afternoon|morning|evening)|(?:mon|tues|wednes|thurs|fri|satur|sun)day|\d{1,2}(?:st|nd|rd|th)|\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*)\b/i;
/** A task that names its object only as "it", "that", "them". */
const PRONOUN = /\b(?:it|that|this|them)\b/i;
const WEEKDAY = /\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b/i;
const CORRECTION = /^(?:correction|edit|update|actually|sorry|typo)\b\s*[:,-]?\s*/i;

function straighten(text: string): string {
	return text.replace(/[’‘]/g, "'").replace(/[“”]/g, '"');
}

function time(value: string | number): number {
	const parsed = typeof value === 'number' ? value : Date.parse(value);
	return Number.isFinite(parsed) ? parsed : 0;
}

function capitalise(text: string): string {
	const trimmed = text.trim().replace(/^[,.;:\-–\s]+/, '');
	return trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
}

function isFiller(sentence: string): boolean {
	const plain = straighten(sentence).toLowerCase();
	if (!/[\p{L}\p{N}]/u.test(plain)) return true; // emoji or punctuation alone
	const tokens = plain.match(/\+1|[\p{L}\p{N}']+/gu) ?? [];
	if (tokens.every((token) => FILLER_WORDS.has(token))) return true;
	if (INTERJECTION.test(plain) && tokens.length <= 4) return true;
	if (CLOSING.test(plain) && tokens.length <= 6) return true;
	if (/^(thanks|thank you|thx|ty)\b/.test(plain) && tokens.length <= 5) return true;
	return false;
}

/** Finds the participants named at a place in a text: full names and unambiguous first names. */
class People {
	private readonly names: { name: string; person: BreakoutPerson }[] = [];

	constructor(participants: readonly BreakoutPerson[]) {
		const firsts = new Map<string, BreakoutPerson[]>();
		for (const person of participants) {
			const full = person.name.trim().toLowerCase();
			if (full) this.names.push({ name: full, person });
			const first = full.split(/\s+/)[0];
			if (first && first !== full) firsts.set(first, [...(firsts.get(first) ?? []), person]);
		}
		for (const [first, people] of firsts)
			if (people.length === 1 && !this.names.some((entry) => entry.name === first))
				this.names.push({ name: first, person: people[0]! });
		// Longest first: "Ana Souza" before "Ana".
		this.names.sort((a, b) => b.name.length - a.name.length);
	}

	/** The person whose name (optionally after `@`) starts `text`, and the rest of the text. */
	atStart(text: string): { person: BreakoutPerson; rest: string } | null {
		const lowered = text.toLowerCase().replace(/^@/, '');
		const offset = text.length - lowered.length;
		for (const { name, person } of this.names) {
			if (lowered.startsWith(name) && !/[\p{L}\p{N}]/u.test(lowered.charAt(name.length)))
				return { person, rest: text.slice(offset + name.length) };
		}
		return null;
	}

	/** `@Name will …` / `@Name to …` anywhere in the text. */
	mentioned(text: string): { person: BreakoutPerson; rest: string } | null {
		for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
			const found = this.atStart(text.slice(at));
			if (found && /^\s*(?:will|to|is going to|'ll)\b/i.test(found.rest)) return found;
		}
		return null;
	}
}

function dueOf(text: string): string | undefined {
	return text.match(DUE)?.[0];
}

/** An action written in one sentence: "I'll …", "@Name will …", "Name to …", "TODO: Name …". */
function actionIn(unit: Unit, people: People): ActionCandidate | null {
	if (unit.question) return null;
	const text = straighten(unit.text).replace(ACTION_LEAD, '');
	let owner: BreakoutPerson | null = null;
	let rest: string | null = null;
	const task = text.match(TASK_PREFIX);
	if (task) {
		const after = text.slice(task[0].length);
		const named = people.atStart(after);
		const mine = after.match(/^(?:for me|me|mine)\s*[:\-–,]\s*/i);
		if (mine) {
			owner = unit.author;
			rest = after.slice(mine[0].length);
		} else if (named) {
			owner = named.person;
			rest = named.rest.replace(/^\s*[:\-–,]?\s*(?:will|to|should|must)?\s*/i, '');
		} else rest = after;
	} else {
		const named = people.atStart(text) ?? people.mentioned(text);
		const assigned = named?.rest.match(
			/^\s*(?:,\s*|:\s*)?(?:will|to|is going to|'ll|should|please|can you please|owns|takes|handles|is on)\s+(?!you\b)/i
		);
		// "Oliver: tell the platform team …": a task written to a name.
		const addressed = named?.rest.match(/^\s*:\s*(?=[a-z])/i);
		const someone = text.match(
			/\b(?:(?:can|could|would) (?:someone|somebody)(?: please)?|(?:someone|somebody) (?:should|needs to|has to|must|could|will need to|please))\s+/i
		);
		// "Dev, set up the call with their CTO next week please": a task handed to a name.
		const handed =
			named?.rest.match(
				/^\s*,\s*(?:please\s+)?(?!(?:i|i'm|i'll|you|you're|we|we're|they|it|it's|that|this|what|how|why|when|where|who|thanks|thank|sorry|yes|no|ok|okay|good|great|nice|sure|agreed|exactly|right|well|so|and|but|the|a|an|any|do|does|did|is|are|was|were|have|has|can|could|would|will|should|if|maybe|probably|just|also|too)\b)(?=[a-z])/i
			) ?? null;
		const handedTask =
			handed !== null && (/\bplease\b/i.test(named!.rest) || dueOf(named!.rest) !== undefined);
		if (named && (assigned || addressed)) {
			owner = named.person;
			rest = named.rest.slice((assigned ?? addressed)![0].length);
		} else if (named && handedTask) {
			owner = named.person;
			rest = named.rest.slice(handed![0].length).replace(/[\s,]*\bplease\b[.!]*$/i, '');
		} else if (someone) {
			// "someone has to own it, we don't have …": the task is the clause, not the reason.
			rest = text.slice(someone.index! + someone[0].length).split(/[,;]/)[0]!;
		} else {
			const first = text.match(FIRST_PERSON) ?? text.match(/\bi'm\s+([a-z]+ing)\b(?!\s+to\b)/i);
			// "let's ask design on Monday": a task for the room, nobody's in particular, when dated.
			const ours = text.match(
				/^let'?s\s+(?!(?:go|do|use|keep|stick|ship|move|make|think|see|talk|discuss|start|get|wrap|try)\b)(?=[a-z]+\s)/i
			);
			if (first) {
				owner = unit.author;
				rest = text.slice(first.index! + first[0].length - first[1]!.length);
			} else if (ours && dueOf(text) !== undefined) {
				rest = text.slice(ours[0].length);
			}
		}
	}
	if (rest === null) return null;
	const keys = keyWords(rest);
	// "I'll do it", "I'll check": a confirmation, not a task anyone could act on by itself.
	if (keys.size < 2) return null;
	return { unit, text: capitalise(rest), keys, owner, due: dueOf(rest) };
}

/** "Dan, can you …?": a request to a participant, not a question to the room. */
function isRequest(sentence: string, people: People): boolean {
	const named = people.atStart(straighten(sentence));
	return (
		named !== null &&
		/^\s*,?\s*(?:since [^,]+,\s*)?(?:(?:can|could|would|will) you|(?:do you )?want to|would you mind|mind)\b/i.test(
			named.rest
		)
	);
}

/** "great. Owen joins the rewrite from January 6": the statement right after an acknowledgement. */
const ACKNOWLEDGED = /^(?:ok(?:ay)?|great|good|perfect|agreed|alright|fine)\s*[.!]+\s*/i;

function decisionIn(unit: Unit, messageText: string): Candidate | null {
	if (unit.question) return null;
	const plain = unit.plain;
	const message = straighten(messageText);
	const acknowledged = message.match(ACKNOWLEDGED);
	const summedUp =
		acknowledged !== null &&
		message.slice(acknowledged[0].length).startsWith(straighten(unit.text)) &&
		!/^(?:thanks|thank|i|you|we|that|this|it)\b/.test(plain) &&
		keyWords(unit.text).size >= 3;
	if (!summedUp && !DECISION_CUES.some((cue) => cue.test(plain))) return null;
	let text = straighten(unit.text).replace(DECISION_PREFIX, '');
	// "Feature flag, per organization. Agreed with product yesterday.": the cue's sentence says
	// little; the message around it says what was agreed.
	if (keyWords(text).size < 3 && messageText !== unit.text)
		text = straighten(messageText).replace(DECISION_PREFIX, '');
	const keys = keyWords(text);
	if (keys.size === 0) return null;
	return { unit, text: capitalise(text), keys };
}

export function summarizeExtractive(transcript: BreakoutTranscript): BreakoutSummary {
	const people = new People(transcript.participants);
	const messages = transcript.messages
		.map((message, order) => ({ message, order, at: time(message.at) }))
		.sort((a, b) => a.at - b.at || a.order - b.order);

	const units: Unit[] = [];
	messages.forEach(({ message, at }, messageIndex) => {
		const author = { id: message.authorId, name: message.authorName };
		for (const sentence of splitSentences(message.text)) {
			const stems = contentStems(sentence);
			units.push({
				index: units.length,
				message: messageIndex,
				author,
				at,
				text: sentence,
				plain: straighten(sentence).toLowerCase(),
				messageText: message.text.trim(),
				stems,
				keys: new Set(stems),
				filler: isFiller(sentence),
				question: /\?\s*["')\]]*\s*$/.test(sentence)
			});
		}
	});
	const firstUnitOf = (messageIndex: number) => units.find((unit) => unit.message === messageIndex);
	const unitsOf = (messageIndex: number) => units.filter((unit) => unit.message === messageIndex);

	const decisions: Candidate[] = [];
	const actions: ActionCandidate[] = [];
	const answered = new Set<number>();

	for (const unit of units) {
		if (unit.filler) continue;
		const action = actionIn(unit, people);
		if (action) actions.push(action);
		else {
			const decision = decisionIn(unit, unit.messageText);
			if (decision) decisions.push(decision);
		}
		// "+1 senior 2": a vote for an option someone just put forward.
		const vote = unit.plain.match(/^\+1\s+(.+)/);
		if (
			vote &&
			!isFiller(vote[1]!) &&
			keyWords(vote[1]!).size > 0 &&
			!/^to (both|that|this|it|all)\b/.test(vote[1]!)
		) {
			const voted = keyWords(vote[1]!);
			const proposal = units
				.slice(0, unit.index)
				.reverse()
				.find(
					(earlier) =>
						earlier.message >= unit.message - 3 &&
						earlier.author.id !== unit.author.id &&
						!earlier.question &&
						sharedCount(earlier.keys, voted) > 0
				);
			const text = proposal ? proposal.text : vote[1]!;
			decisions.push({ unit: proposal ?? unit, text: capitalise(text), keys: keyWords(text) });
		}
	}

	// Questions: answered by someone else soon after, or left open.
	for (const question of units) {
		if (!question.question) continue;
		let direct = true;
		for (let m = question.message + 1; m < messages.length; m++) {
			const reply = firstUnitOf(m);
			if (!reply) continue;
			if (
				m - question.message > ANSWER_WINDOW_MESSAGES ||
				reply.at - question.at > ANSWER_WINDOW_MS
			)
				break;
			if (reply.author.id === question.author.id) continue;
			const replyPlain = straighten(messages[m]!.message.text).toLowerCase().trim();
			const replyKeys = keyWords(replyPlain);
			const shared = sharedCount(question.keys, replyKeys);
			if (NON_ANSWER.test(replyPlain)) {
				direct = false;
				continue;
			}
			if (CLOSING.test(replyPlain)) break;
			// "Who tells the customers?" — "@Hana to ping them": the task given is the answer; and
			// "can engineering look at it?" — "I can profile their queries": so is one taken on.
			const task = unitsOf(m)
				.map((unit) => actionIn(unit, people))
				.find((action) => action?.owner);
			if (
				direct &&
				task &&
				(/^who\b/.test(question.plain) ||
					(task.owner!.id === reply.author.id && FIRST_PERSON.test(replyPlain)))
			) {
				answered.add(question.index);
				break;
			}
			if (direct && ANSWER_OPENER.test(replyPlain)) {
				answered.add(question.index);
				break;
			}
			// "Dan, can you make the form?" takes a question up: it hands it to someone.
			const replyIsQuestion = reply.question && !isRequest(reply.text, people);
			// "lol CLI": short, but it names one of the question's words.
			if (direct && shared >= 1 && !replyIsQuestion) {
				answered.add(question.index);
				break;
			}
			if (unitsOf(m).every((unit) => unit.filler)) continue;
			if (!replyIsQuestion && shared >= 2) {
				answered.add(question.index);
				break;
			}
			// The first thing someone else says right after is the answer, unless it is a
			// question, a joke, or a task of its own ("TODO Ivy: …" moves on to something else).
			if (
				direct &&
				!replyIsQuestion &&
				(shared >= 1 ||
					(!INTERJECTION.test(replyPlain) &&
						!CLOSING.test(replyPlain) &&
						!unitsOf(m).some((unit) => actionIn(unit, people))))
			) {
				answered.add(question.index);
				// "Who watches the dashboard?" — "me": the one who answers takes it on.
				const volunteer = question.plain.match(
					/^who(?:'s| is| will| can| is going to)?\s+(.+?)\?*$/
				);
				if (volunteer && /^(me|i will|i can|i'll|i'm on it|i do)\b/.test(replyPlain)) {
					const text = volunteer[1]!.replace(/^(\w+?)e?s\b/, (verb) => verb.replace(/s$/, ''));
					actions.push({
						unit: reply,
						text: capitalise(text),
						keys: keyWords(text),
						owner: reply.author,
						due: dueOf(text)
					});
				}
				break;
			}
			direct = false;
		}

		// "Could we move the invite after …?" — "Yes, the invite moves after …": a decision; so is
		// "should we fly out?" — "no, a video call with their CTO first", and "Q1 or Q2?" — "Q2.
		// the customers can live with the CSV". The question goes with it when the answer alone
		// does not say what it settles.
		const weProposal = /\b(?:should|shall|do|can|could) we\b|^(?:what if|how about|why not)\b/.test(
			question.plain
		);
		const proposal = PROPOSAL.test(question.plain) || weProposal || !ASKING.test(question.plain);
		const options = question.plain.match(/([\p{L}\p{N}.-]+) or ([\p{L}\p{N}.-]+?)\?*$/u);
		for (let m = question.message + 1; m <= question.message + 3 && m < messages.length; m++) {
			const reply = firstUnitOf(m)!;
			if (reply.author.id === question.author.id) continue;
			const replyText = straighten(messages[m]!.message.text).trim();
			const plain = replyText.toLowerCase();
			const firstWord = plain.match(/^[\p{L}\p{N}.-]+/u)?.[0]?.replace(/\.$/, '');
			const chosen = options !== null && (firstWord === options[1] || firstWord === options[2]);
			const yes = proposal && /^(yes|yeah|yep|agreed|sure|definitely|ok|okay)\b/.test(plain);
			const no = weProposal && /^(no|nope|nah)\b/.test(plain) && !NON_ANSWER.test(plain);
			if (!yes && !no && !chosen) continue;
			if (FIRST_PERSON.test(plain) || /\?\s*$/.test(plain)) break;
			let text = replyText.replace(
				/^(?:(?:yes|yeah|yep|agreed|sure|definitely|ok|okay|no|nope|nah|i like that|good idea|makes sense)\W+)+/i,
				''
			);
			let keys = keyWords(text);
			if (keys.size >= 3 && (no || chosen || sharedCount(keys, question.keys) >= 1)) {
				if (sharedCount(keys, question.keys) < question.keys.size) {
					text = `${text.replace(/[.!]+$/, '')} (on “${question.text}”)`;
					keys = keyWords(text);
				}
				decisions.push({ unit: reply, text: capitalise(text), keys });
				answered.add(question.index);
			}
			break;
		}

		// "Dan, can you make the form?" — "will do" (from Dan): Dan's action.
		const request = people.atStart(straighten(question.text));
		const asked = request?.rest.match(
			/^\s*,?\s*(?:since [^,]+,\s*)?(?:(?:can|could|would|will) you|(?:do you )?want to|would you mind|mind)\s+(?:please\s+)?(.+?)\??$/i
		);
		if (request && asked) {
			for (let m = question.message + 1; m <= question.message + 3 && m < messages.length; m++) {
				const reply = firstUnitOf(m)!;
				if (reply.author.id !== request.person.id) continue;
				if (AFFIRMATION.test(reply.plain)) {
					const text = asked[1]!;
					actions.push({
						unit: question,
						text: capitalise(text),
						keys: keyWords(text),
						owner: request.person,
						due: dueOf(text)
					});
					answered.add(question.index);
				}
				break;
			}
		}
	}

	// "Second night it is", "+1 senior 2": too short to read alone in the parent channel; the
	// question it settles, asked just before, says what it is about.
	for (const decision of decisions) {
		if (decision.keys.size >= 3) continue;
		// "That's the plan", "we go with that": what was just said by someone else is the plan.
		if (/\b(that|this|it)\b/.test(decision.unit.plain) && !/\bit is\b/.test(decision.unit.plain)) {
			const said = units
				.slice(0, decision.unit.index)
				.reverse()
				.find(
					(unit) =>
						!unit.filler &&
						unit.author.id !== decision.unit.author.id &&
						decision.unit.message - unit.message <= 2
				);
			if (said) {
				decision.text = capitalise(
					straighten(said.text).replace(DECISION_PREFIX, '').replace(/\?+$/, '')
				);
				decision.keys = keyWords(decision.text);
				continue;
			}
		}
		const settled = units
			.slice(0, decision.unit.index)
			.reverse()
			.find(
				(unit) =>
					unit.question &&
					decision.unit.message - unit.message <= 4 &&
					sharedCount(unit.keys, decision.keys) > 0
			);
		if (!settled) continue;
		decision.text = `${decision.text.replace(/[.!]+$/, '')} (on “${settled.text}”)`;
		decision.keys = keyWords(decision.text);
	}

	// "correction: Thursday, …" right after one's own action: the deadline changes.
	for (const unit of units) {
		const correction = unit.plain.match(CORRECTION);
		if (!correction) continue;
		const target = actions
			.filter(
				(action) => action.owner?.id === unit.author.id || action.unit.author.id === unit.author.id
			)
			.filter(
				(action) => action.unit.message < unit.message && unit.message - action.unit.message <= 3
			)
			.pop();
		if (!target) continue;
		const newDue = dueOf(unit.text.slice(correction[0].length));
		if (newDue) {
			const old = target.due;
			const replaced =
				old && WEEKDAY.test(old)
					? newDue.replace(/^(?:(?:by|before|until|on|due)\s+)/i, '')
					: newDue;
			if (old)
				target.text = target.text.replace(
					old,
					old.replace(WEEKDAY, replaced.match(WEEKDAY)?.[0] ?? replaced)
				);
			target.due = old ? old.replace(WEEKDAY, replaced.match(WEEKDAY)?.[0] ?? replaced) : newDue;
			target.keys = keyWords(target.text);
		}
	}

	// One task said twice by the same person ("Olga to write the report" — "I'll have a draft
	// Thursday"): one item, the wording that says more, the deadline of either.
	const merged: ActionCandidate[] = [];
	for (const action of actions.sort((a, b) => a.unit.index - b.unit.index)) {
		// "someone should update the status page" — "I'll do the status page": now it is theirs.
		const taken = merged.find(
			(earlier) =>
				earlier.owner === null &&
				action.owner !== null &&
				action.unit.message - earlier.unit.message <= 3 &&
				(sharedCount(earlier.keys, action.keys) > 0 || /\b(it|that|this)\b/i.test(action.text))
		);
		if (taken) {
			taken.owner = action.owner;
			if (action.keys.size > taken.keys.size) {
				taken.text = action.text;
				taken.keys = action.keys;
			}
			taken.due = taken.due ?? action.due;
			continue;
		}
		const same = merged.find(
			(earlier) =>
				earlier.owner !== null &&
				earlier.owner.id === action.owner?.id &&
				(earlier.unit.message === action.unit.message ||
					jaccard(earlier.keys, action.keys) >= 0.5 ||
					(action.unit.message - earlier.unit.message <= 3 &&
						(sharedCount(earlier.keys, action.keys) > 0 ||
							// Given by someone, then taken up by its owner: "I'll have a draft Thursday".
							(earlier.unit.author.id !== earlier.owner.id &&
								action.unit.author.id === action.owner.id))))
		);
		if (!same) {
			merged.push({ ...action });
			continue;
		}
		if (PRONOUN.test(action.text) && sharedCount(same.keys, action.keys) === 0) {
			// "Sol, can you take the FAQ?" — "I'll rewrite it": the second says what, the first what of.
			same.text = `${same.text.replace(/[.!?]+$/, '')}: ${action.text.charAt(0).toLowerCase()}${action.text.slice(1)}`;
			same.keys = keyWords(same.text);
		} else if (action.keys.size > same.keys.size) {
			same.text = action.text;
			same.keys = action.keys;
		}
		same.due = same.due ?? action.due;
	}

	// "yes, I'll clear it with the managers": "it" is what the question just before was about;
	// "@Hana to ping their account managers" answers "who tells the customers?"; "I'll make the
	// form" is about the form just proposed. A task that points back, is terse, or answers a
	// question just asked by someone else carries what it answers.
	for (const action of merged) {
		const pointing = /\b(?:it|that|this|them|they|their|those|these)\b/i.test(action.text);
		const terse = action.keys.size <= 2;
		const before = units
			.slice(0, action.unit.index)
			.reverse()
			.filter(
				(unit) =>
					!unit.filler &&
					unit.author.id !== action.unit.author.id &&
					action.unit.message - unit.message <= 2 &&
					action.unit.message > unit.message
			);
		const asked = before.find(
			(unit) =>
				unit.question &&
				(/^who\b/.test(unit.plain) ||
					sharedCount(unit.keys, action.keys) > 0 ||
					(pointing && action.keys.size <= 3) ||
					terse)
		);
		const said =
			asked ??
			(terse || pointing
				? before.find((unit) => sharedCount(unit.keys, action.keys) > 0)
				: undefined);
		if (!said) continue;
		action.text = `${action.text.replace(/[.!]+$/, '')} (on “${said.text}”)`;
		action.keys = keyWords(action.text);
	}

	// Rank every sentence that says something; decisions and actions start ahead.
	const ranked = units.filter((unit) => !unit.filler && unit.stems.length > 0);
	const prior = ranked.map((unit) => {
		let weight = 1;
		if (decisions.some((decision) => decision.unit.index === unit.index)) weight += 2;
		if (merged.some((action) => action.unit.index === unit.index)) weight += 1.5;
		if (/\d/.test(unit.text)) weight += 0.25;
		return weight;
	});
	const scores = textRank(
		ranked.map((unit) => unit.stems),
		prior
	);
	const scoreOf = new Map(ranked.map((unit, i) => [unit.index, scores[i]!]));
	const score = (candidate: Candidate) => scoreOf.get(candidate.unit.index) ?? 0;

	const decisionsKept = pick(dedupe(decisions, score), LIMITS.decisions, score);
	const actionsKept = pick(dedupe(merged, score), LIMITS.actionItems, score);
	const taken = [...decisionsKept, ...actionsKept];

	const questions: Candidate[] = units
		.filter((unit) => unit.question && !unit.filler && !answered.has(unit.index))
		.map((unit) => ({ unit, text: capitalise(unit.text), keys: unit.keys }))
		.filter((candidate) => candidate.keys.size >= 2);
	const openKept = pick(dedupe(questions, score), LIMITS.openQuestions, score);

	const usedUnits = new Set(taken.map((candidate) => candidate.unit.index));
	const keyCount = Math.min(LIMITS.keyPoints, Math.max(2, Math.ceil(ranked.length / 8)));
	const keyPoints: Candidate[] = [];
	const byScore = [...ranked].sort(
		(a, b) => (scoreOf.get(b.index) ?? 0) - (scoreOf.get(a.index) ?? 0)
	);
	for (const unit of byScore) {
		if (keyPoints.length >= keyCount) break;
		if (unit.question || usedUnits.has(unit.index) || unit.keys.size < 3) continue;
		if (actionIn(unit, people) || decisionIn(unit, unit.messageText)) continue;
		// "ok let's get going", "quick one on the docs": how the room ran, not what it said.
		if (MEETING_TALK.test(unit.plain)) continue;
		const candidate = { unit, text: capitalise(unit.text), keys: unit.keys };
		if ([...taken, ...keyPoints].some((other) => jaccard(other.keys, candidate.keys) >= 0.5))
			continue;
		keyPoints.push(candidate);
	}

	const chronological = <T extends Candidate>(list: T[]) =>
		[...list].sort((a, b) => a.unit.index - b.unit.index);
	return {
		writer: 'built-in',
		keyPoints: chronological(keyPoints).map((candidate) => candidate.text),
		decisions: chronological(decisionsKept).map((candidate) => candidate.text),
		actionItems: chronological(actionsKept).map((action): ActionItem => ({
			text: action.text,
			owner: action.owner,
			...(action.due ? { due: action.due } : {})
		})),
		openQuestions: chronological(openKept).map((candidate) => candidate.text)
	};
}

/** Near-duplicates (most key words shared) keep the copy that ranks higher. */
function dedupe<T extends Candidate>(list: T[], score: (candidate: T) => number): T[] {
	const kept: T[] = [];
	for (const candidate of [...list].sort((a, b) => score(b) - score(a))) {
		if (kept.some((other) => jaccard(other.keys, candidate.keys) >= 0.6)) continue;
		kept.push(candidate);
	}
	return kept;
}

function pick<T extends Candidate>(list: T[], limit: number, score: (candidate: T) => number): T[] {
	return [...list].sort((a, b) => score(b) - score(a)).slice(0, limit);
}

/** Exposed for the tests: whether a sentence is filler. */
export { isFiller };
