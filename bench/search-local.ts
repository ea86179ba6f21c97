import {
	LocalSearchIndex,
	toIndexed,
	type IndexedMessage,
	type ResolvedFilters
} from '../src/lib/client/search/local-index.ts';
import { parseSearchQuery } from '../src/lib/shared/search/query.ts';

/**
 * The browser's local search (issue 4) on a browser holding 100,000 messages: builds the
 * flexsearch index over generated chat messages, persists and restores it, then measures
 * queries of one to three partial words, with and without filters. The target is to answer
 * within one animation frame (16 ms).
 *
 *   npx node bench/search-local.ts [--messages 100000] [--queries 2000] [--seed 7]
 *
 * Prints one JSON object per line on stdout.
 */

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) {
	const key = process.argv[i]?.replace(/^--/, '');
	const value = process.argv[i + 1];
	if (key && value) args.set(key, value);
}
const MESSAGES = Number(args.get('messages') ?? 100_000);
const QUERIES = Number(args.get('queries') ?? 2_000);
let seed = Number(args.get('seed') ?? 7);

function random(): number {
	// Mulberry32: repeatable runs.
	seed |= 0;
	seed = (seed + 0x6d2b79f5) | 0;
	let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
	t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
	return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

function pick<T>(items: readonly T[], skew = 1): T {
	return items[Math.floor(Math.pow(random(), skew) * items.length)]!;
}

const COMMON = `the a to and is of it in for on that this we you i be with are have can at
	it's not so will just what do me be if but all about up out now from get your there was
	one my as by our let's ok yes no thanks please here when should could would they them`.split(/\s+/);
const DOMAIN = `deployment deploy deployed release build pipeline staging production review
	merge request branch bug fix issue ticket sprint planning standup meeting agenda notes
	customer feedback roadmap design mockup prototype database migration schema index query
	latency outage incident postmortem monitoring alert dashboard metrics budget forecast
	quarter revenue contract invoice onboarding hiring interview candidate offer laptop access
	password vpn server cluster kubernetes docker container image cache memory cpu network
	firewall certificate renewal backup restore retention compliance audit export report
	analytics campaign launch announcement webinar workshop training holiday vacation office
	lunch coffee friday weekend tomorrow yesterday today morning afternoon evening deadline
	priority urgent blocker dependency upgrade version changelog documentation wiki handbook
	überprüfung déploiement café naïve résumé señor façade jalapeño crème brûlée`.split(/\s+/);
const NAMES = `sofia bruno alice omar chen priya lucas emma noah mia ivan zoe`.split(' ');
const CHANNELS = Array.from({ length: 40 }, (_, i) => `00000000-0000-4000-8000-${pad(i, 12)}`);
const PEOPLE = Array.from({ length: 60 }, (_, i) => `10000000-0000-4000-8000-${pad(i, 12)}`);

function pad(n: number, width: number): string {
	return String(n).padStart(width, '0');
}

function sentence(): string {
	const length = 4 + Math.floor(random() * 18);
	const words: string[] = [];
	for (let i = 0; i < length; i++) {
		const r = random();
		let word = r < 0.55 ? pick(COMMON, 1.6) : r < 0.95 ? pick(DOMAIN, 1.8) : pick(NAMES);
		if (i === 0) word = word[0]!.toUpperCase() + word.slice(1);
		words.push(word);
	}
	if (random() < 0.04) words.push(`https://example.com/${pick(DOMAIN)}`);
	if (random() < 0.02) words.push(`#${Math.floor(random() * 9000) + 1000}`);
	return `${words.join(' ')}${pick(['.', '!', '?', '', ''])}`;
}

function uuid(n: number): string {
	return `20000000-0000-4000-8000-${pad(n, 12)}`;
}

const startAt = Date.UTC(2026, 0, 1);
function generate(count: number): IndexedMessage[] {
	const messages: IndexedMessage[] = [];
	for (let n = 0; n < count; n++) {
		const channelId = pick(CHANNELS, 1.5);
		const at = startAt + n * 60_000 + Math.floor(random() * 30_000);
		const files =
			random() < 0.05 ? [{ kind: random() < 0.5 ? 'image' : 'file', name: 'notes.pdf' }] : [];
		const message = toIndexed(
			{
				id: uuid(n),
				authorId: pick(PEOPLE, 1.3),
				threadId: random() < 0.15 && n > 0 ? uuid(Math.floor(random() * n)) : null,
				text: sentence(),
				createdAt: at,
				acceptedAt: at,
				mentions: random() < 0.05 ? [pick(PEOPLE)] : [],
				attachments: files,
				deleted: false,
				version: 1
			},
			channelId,
			Math.floor(n / 500)
		)!;
		messages.push(message);
	}
	return messages;
}

function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return 0;
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function round(value: number, digits = 3): number {
	const scale = 10 ** digits;
	return Math.round(value * scale) / scale;
}

function emit(record: Record<string, unknown>): void {
	process.stdout.write(`${JSON.stringify(record)}\n`);
}

function heapMb(): number {
	return round(process.memoryUsage().heapUsed / 1_048_576, 1);
}

function prefixOf(word: string): string {
	const length = Math.max(1, Math.min(word.length, 2 + Math.floor(random() * (word.length - 1))));
	return word.slice(0, length);
}

const FILTERS = [
	'',
	'',
	'',
	`from:${NAMES[0]}`,
	'in:general',
	'has:link',
	'has:file',
	'mentions:me',
	'is:thread',
	'after:2026-01-20',
	'before:2026-02-10 after:2026-01-05'
];

function randomQuery(): string {
	const words = 1 + Math.floor(random() * 3);
	const parts: string[] = [];
	for (let i = 0; i < words; i++) {
		parts.push(prefixOf(random() < 0.35 ? pick(COMMON, 1.4) : pick(DOMAIN, 1.6)));
	}
	const filter = pick(FILTERS);
	if (filter) parts.push(filter);
	return parts.join(' ');
}

const filtersFor = (query: string): ResolvedFilters => {
	const parsed = parseSearchQuery(query);
	return {
		meId: PEOPLE[0]!,
		// from: and in: are resolved against people and channels by the app; here by name.
		authorIds: parsed.from.length ? new Set(PEOPLE.slice(0, 5)) : null,
		channelIds: parsed.in.length ? new Set(CHANNELS.slice(0, 3)) : null,
		readable: new Set(CHANNELS)
	};
};

// ---- Build ----------------------------------------------------------------------------------

const before = heapMb();
const messages = generate(MESSAGES);
const generatedHeap = heapMb() - before;
let started = performance.now();
const index = new LocalSearchIndex();
for (const message of messages) index.upsert(message);
const buildMs = performance.now() - started;
emit({
	bench: 'search-local',
	step: 'build',
	messages: index.size,
	ms: round(buildMs, 1),
	perMessageUs: round((buildMs * 1000) / MESSAGES, 2),
	heapMb: round(heapMb() - before - generatedHeap, 1)
});

// ---- Persist and restore (what a later start does instead of rebuilding) ----------------------

started = performance.now();
const snapshot = index.snapshot();
const serialized = JSON.stringify(snapshot);
const snapshotMs = performance.now() - started;
started = performance.now();
const restored = LocalSearchIndex.fromSnapshot(JSON.parse(serialized))!;
const restoreMs = performance.now() - started;
emit({
	bench: 'search-local',
	step: 'persist',
	snapshotMs: round(snapshotMs, 1),
	snapshotMb: round(serialized.length / 1_048_576, 1),
	restoreMs: round(restoreMs, 1),
	restoredMessages: restored.size
});

// ---- Queries ----------------------------------------------------------------------------------

function measure(label: string, target: LocalSearchIndex, queries: string[]): void {
	const times: number[] = [];
	let hits = 0;
	// Warm up (JIT), not measured.
	for (const query of queries.slice(0, 50))
		target.search(parseSearchQuery(query), filtersFor(query));
	for (const query of queries) {
		const t0 = performance.now();
		const parsed = parseSearchQuery(query);
		const result = target.search(parsed, filtersFor(query), 50);
		times.push(performance.now() - t0);
		hits += result.hits.length;
	}
	times.sort((a, b) => a - b);
	emit({
		bench: 'search-local',
		step: 'query',
		index: label,
		queries: queries.length,
		p50Ms: round(percentile(times, 50)),
		p90Ms: round(percentile(times, 90)),
		p99Ms: round(percentile(times, 99)),
		maxMs: round(times.at(-1) ?? 0),
		meanHits: round(hits / queries.length, 1),
		withinFrame: percentile(times, 99) < 16
	});
}

const queries = Array.from({ length: QUERIES }, randomQuery);
measure('built', index, queries);
measure('restored', restored, queries);

// ---- Changes: an edit and a deletion cost little and show at once ------------------------------

started = performance.now();
const edits = 1_000;
for (let n = 0; n < edits; n++) {
	const message = messages[Math.floor(random() * messages.length)]!;
	index.upsert({ ...message, text: `${message.text} quokka`, version: message.version + 1 });
}
const editMs = (performance.now() - started) / edits;
started = performance.now();
for (let n = 0; n < edits; n++) index.remove(messages[Math.floor(random() * messages.length)]!.id);
const deleteMs = (performance.now() - started) / edits;
emit({
	bench: 'search-local',
	step: 'changes',
	editMs: round(editMs),
	deleteMs: round(deleteMs),
	retired: index.retiredCount,
	heapMb: heapMb()
});
