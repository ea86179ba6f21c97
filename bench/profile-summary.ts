import fs from 'node:fs';

/**
 * Summarises a `node --cpu-prof` profile: self time by function and by package or file, over
 * the whole profile or only its last `--last=S` seconds (the measurement window, when the
 * server was stopped right after it).
 *
 * Usage: npx node bench/profile-summary.ts <file.cpuprofile> [--last=30] [--top=40]
 *        npx node bench/profile-summary.ts <file.cpuprofile> --from=<µs> --to=<µs>
 * (the bench logs each measurement window's --from/--to on the same monotonic clock)
 */
interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	children?: number[];
}

interface Profile {
	nodes: ProfileNode[];
	startTime: number;
	endTime: number;
	samples: number[];
	timeDeltas: number[];
}

const file = process.argv[2];
if (!file) throw new Error('usage: npx node bench/profile-summary.ts <file.cpuprofile> [--last=S]');
const flag = (name: string) =>
	process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
const lastS = Number(flag('last') ?? 0);
const skipEndS = Number(flag('skip-end') ?? 0);
const top = Number(flag('top') ?? 40);

const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const times: number[] = [];
let at = profile.startTime;
for (const delta of profile.timeDeltas) times.push((at += delta));
const to = flag('to') ? Number(flag('to')) : profile.endTime - skipEndS * 1e6;
const from = flag('from') ? Number(flag('from')) : lastS > 0 ? to - lastS * 1e6 : profile.startTime;

const parents = new Map<number, number>();
for (const node of profile.nodes)
	for (const child of node.children ?? []) parents.set(child, node.id);
const inclusive = new Map<string, number>();
const selfByFunction = new Map<string, number>();
const selfByPlace = new Map<string, number>();
let total = 0;
let idle = 0;
for (let i = 0; i < profile.samples.length; i++) {
	const time = times[i]!;
	if (time < from || time > to) continue;
	const duration = (times[i + 1] ?? time) - time;
	const node = nodes.get(profile.samples[i]!)!;
	const { functionName, url, lineNumber } = node.callFrame;
	total += duration;
	if (functionName === '(idle)') {
		idle += duration;
		continue;
	}
	const seen = new Set<string>();
	for (let id: number | undefined = node.id; id !== undefined; id = parents.get(id)) {
		const frame = nodes.get(id)!.callFrame;
		if (!frame.url || frame.url.startsWith('node:')) continue;
		const name = `${frame.functionName || '(anonymous)'}  ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
		if (seen.has(name)) continue;
		seen.add(name);
		inclusive.set(name, (inclusive.get(name) ?? 0) + duration);
	}
	const place = placeOf(url, functionName);
	const key = `${functionName || '(anonymous)'}  ${shortUrl(url)}:${lineNumber + 1}`;
	selfByFunction.set(key, (selfByFunction.get(key) ?? 0) + duration);
	selfByPlace.set(place, (selfByPlace.get(place) ?? 0) + duration);
}

function shortUrl(url: string): string {
	return url
		.replace(/^file:\/\/.*?\/node_modules\//, '')
		.replace(/^file:\/\/\/tmp\/bench-app\//, '');
}

function placeOf(url: string, functionName: string): string {
	if (!url) return functionName.startsWith('(') ? functionName : '(native)';
	const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
	if (match) return match[1]!;
	if (url.startsWith('node:')) return 'node:*';
	return shortUrl(url);
}

const ms = (us: number) => (us / 1000).toFixed(0).padStart(7);
const pct = (us: number) => ((us / Math.max(1, total - idle)) * 100).toFixed(1).padStart(5);
console.log(
	`window ${(total / 1e6).toFixed(1)} s, busy ${((total - idle) / 1e6).toFixed(1)} s (${(((total - idle) / Math.max(1, total)) * 100).toFixed(0)}%)`
);
console.log('\nself time by package or file (ms, % of busy)');
for (const [place, time] of [...selfByPlace].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
	console.log(`${ms(time)} ${pct(time)}%  ${place}`);
}
console.log('\nself time by function');
for (const [key, time] of [...selfByFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) {
	console.log(`${ms(time)} ${pct(time)}%  ${key}`);
}
console.log('\ninclusive time by function (JavaScript frames)');
for (const [key, time] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) {
	console.log(`${ms(time)} ${pct(time)}%  ${key}`);
}
