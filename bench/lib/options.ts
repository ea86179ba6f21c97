/**
 * Command line of `npm run bench`:
 *   --quick                 a smaller version of every scenario (under two minutes)
 *   --db=pglite|postgres|both   which database the product runs on. Default: both; with
 *                           --quick, scenarios 1-5 on PGlite and scenario 6 (which needs a
 *                           database shared by two processes) on Postgres
 *   --scenario=1,2          only these scenarios (1 delivery, 2 announcements, 3 capacity,
 *                           4 history, 5 bare baseline, 6 two processes through Redis,
 *                           7 feed delivery while messages flow, 8 a browser reopens a
 *                           channel of 10,000 messages from its local copy, 9 delivery
 *                           while 20 people upload 10 MB photos, 10 an @channel in the
 *                           announcements channel notifying every member while messages flow,
 *                           11 the same @channel emailing every member of an organization
 *                           who is away, to a local SMTP server, while messages flow, 12
 *                           breakout rooms of 5 people all ending at once while messages flow:
 *                           read-only, return to the parent and summary posted, from each end;
 *                           13 the manager dashboard's answer time over 1,000,000 messages;
 *                           14 the compliance export of a channel of 1,000,000 messages while
 *                           messages flow: throughput, peak server memory, delivery)
 *   --loaders=N             load processes holding the simulated members (default 2)
 *   --duration=S            seconds of sending in scenarios 1, 2, 5 and 6, and of scenario 15's
 *                           chat during the retention run (to measure the run's seconds only)
 *   --blocks=N              product and bare baseline alternate in N blocks each (default 2)
 *   --connections=N         connections to reach in scenario 3
 *   --cpu-prof              run the product server with `node --cpu-prof` (profiles in
 *                           /tmp/connectflow-bench/profiles)
 *   --out=FILE              also append the JSON lines to FILE
 */
export type DatabaseChoice = 'pglite' | 'postgres';

export interface BenchOptions {
	quick: boolean;
	databases: DatabaseChoice[];
	/** What runs on which database, in order. */
	passes: { db: DatabaseChoice; scenarios: Set<number> }[];
	scenarios: Set<number>;
	loaders: number;
	blocks: number;
	cpuProf: boolean;
	out: string | null;
	sizes: Sizes;
}

export interface Sizes {
	/** Scenario 1, 2, 5: members, channels of `members / channels`, messages per second. */
	members: number;
	channels: number;
	rate: number;
	durationS: number;
	announcementRate: number;
	/** Scenario 3: idle connections to reach. */
	connections: number;
	/** Scenario 4: messages of the history channels. */
	histories: number[];
	/** Scenario 6: members, channels and rate across two processes. */
	scaleMembers: number;
	scaleChannels: number;
	scaleRate: number;
	/** Scenario 11: people away (never connected) an @channel emails. */
	awayMembers: number;
	/** Scenario 12: breakout rooms of 5 people that end at the same moment. */
	breakoutRooms: number;
	/** Scenario 15: old messages a retention run deletes, and how long delivery is measured. */
	retentionMessages: number;
	retentionDurationS: number;
}

const FULL: Sizes = {
	members: 1000,
	channels: 100,
	rate: 200,
	durationS: 60,
	announcementRate: 5,
	connections: 5000,
	histories: [10_000, 100_000],
	scaleMembers: 1000,
	scaleChannels: 100,
	scaleRate: 200,
	awayMembers: 1000,
	breakoutRooms: 100,
	retentionMessages: 100_000,
	retentionDurationS: 120
};

const QUICK: Sizes = {
	members: 300,
	channels: 30,
	rate: 60,
	durationS: 6,
	announcementRate: 5,
	connections: 500,
	histories: [10_000, 100_000],
	scaleMembers: 300,
	scaleChannels: 30,
	scaleRate: 60,
	awayMembers: 300,
	breakoutRooms: 20,
	retentionMessages: 10_000,
	retentionDurationS: 20
};

export function parseOptions(argv: string[]): BenchOptions {
	const flags = new Map<string, string>();
	for (const arg of argv) {
		const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
		if (!match) throw new Error(`unknown argument ${arg}`);
		flags.set(match[1]!, match[2] ?? 'true');
	}
	const known = [
		'quick',
		'db',
		'scenario',
		'loaders',
		'duration',
		'connections',
		'cpu-prof',
		'blocks',
		'out'
	];
	for (const key of flags.keys()) {
		if (!known.includes(key)) throw new Error(`unknown option --${key}`);
	}
	const quick = flags.get('quick') === 'true';
	const db = flags.get('db') ?? 'both';
	if (!['pglite', 'postgres', 'both'].includes(db)) throw new Error('--db=pglite|postgres|both');
	const scenarios = new Set(
		(flags.get('scenario') ?? '1,2,3,4,5,6,7,8,9,10,11,12,13,14,15')
			.split(',')
			.map((value) => Number(value.trim()))
	);
	for (const scenario of scenarios) {
		if (!Number.isInteger(scenario) || scenario < 1 || scenario > 15) {
			throw new Error('--scenario takes numbers from 1 to 15');
		}
	}
	const sizes = { ...(quick ? QUICK : FULL) };
	if (flags.has('duration')) {
		sizes.durationS = positive(flags.get('duration')!, '--duration');
		sizes.retentionDurationS = sizes.durationS;
	}
	if (flags.has('connections')) {
		sizes.connections = positive(flags.get('connections')!, '--connections');
	}
	const databases: DatabaseChoice[] =
		db === 'both' ? ['pglite', 'postgres'] : [db as DatabaseChoice];
	const only = (keep: (n: number) => boolean) => new Set([...scenarios].filter(keep));
	const passes =
		quick && !flags.has('db')
			? [
					{ db: 'pglite' as const, scenarios: only((n) => n !== 6) },
					{ db: 'postgres' as const, scenarios: only((n) => n === 6) }
				].filter((pass) => pass.scenarios.size > 0)
			: databases.map((database) => ({ db: database, scenarios }));
	return {
		quick,
		databases: [...new Set(passes.map((pass) => pass.db))],
		passes,
		scenarios,
		loaders: flags.has('loaders') ? positive(flags.get('loaders')!, '--loaders') : 2,
		blocks: flags.has('blocks') ? Math.round(positive(flags.get('blocks')!, '--blocks')) : 2,
		cpuProf: flags.get('cpu-prof') === 'true',
		out: flags.get('out') ?? null,
		sizes
	};
}

function positive(value: string, name: string): number {
	const number = Number(value);
	if (!Number.isFinite(number) || number <= 0) throw new Error(`${name} takes a positive number`);
	return number;
}
