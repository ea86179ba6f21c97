import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { documentName } from '../src/lib/shared/chat/document-schema.ts';
import { presenceDocumentName } from '../src/lib/shared/chat/presence.ts';
import {
	api,
	assignTeams,
	createOrganization,
	createTeams,
	listChannels,
	pool,
	registerMembers,
	type Member,
	type Organization
} from './lib/api.ts';
import {
	connectMembers,
	disconnectAll,
	measureAlternating,
	measureDelivery,
	ratio
} from './lib/delivery.ts';
import { parseOptions, type BenchOptions, type DatabaseChoice } from './lib/options.ts';
import { ProcessMonitor, quiesce, round, sampleProcess } from './lib/proc.ts';
import { startWorkers, type LoadWorker, type MemberPlan } from './lib/protocol.ts';
import {
	createPostgresDatabase,
	log,
	postgresReachable,
	preparePrivateBuild,
	redisBaseUrl,
	repoRoot,
	startBare,
	startProduct,
	uniqueRedisPrefix,
	workDir,
	type ServerProcess
} from './lib/servers.ts';

/**
 * `npm run bench`: the delivery benchmark of issue 5 on the full product path. Prints one JSON
 * object per line on stdout (progress goes to stderr). See docs/BENCHMARKS.md.
 */
const options = parseOptions(process.argv.slice(2));
const runStarted = performance.now();
let outFile: fs.FileHandle | null = null;

async function emit(line: Record<string, unknown>): Promise<void> {
	const text = JSON.stringify(line);
	process.stdout.write(`${text}\n`);
	await outFile?.write(`${text}\n`);
}

interface Population {
	org: Organization;
	members: Member[];
	/** Each member's team channel document (head shard). */
	teamDocs: string[];
	announcementsDoc: string;
	presenceDoc: string;
	history: { newcomer: Member; channels: { id: string; messages: number }[] } | null;
}

interface DatabaseRun {
	db: DatabaseChoice;
	dataDir: string;
	databaseUrl?: string;
	dropDatabase?: () => Promise<void>;
	server: ServerProcess | null;
	population: Population | null;
	singleP99: number | null;
}

/** The scenarios of the pass being run. */
let current = options.scenarios;
const wants = (scenario: number) => current.has(scenario);

function productStart(run: DatabaseRun, stage: string, redisUrl?: string) {
	return startProduct({
		name: `connectflow-${run.db}-${stage}`,
		dataDir: run.dataDir,
		databaseUrl: run.databaseUrl,
		redisUrl,
		cpuProf: options.cpuProf
	});
}

async function restart(run: DatabaseRun, stage: string): Promise<ServerProcess> {
	await run.server?.stop();
	run.server = await productStart(run, stage);
	return run.server;
}

/** The organization, people, teams and channels, all through the HTTP API. */
async function populate(run: DatabaseRun, server: ServerProcess): Promise<Population> {
	const { sizes } = options;
	const started = performance.now();
	const org = await createOrganization(server.httpUrl);
	const deliveryScenarios = [1, 2, 5, 6].some(wants);
	const needed = Math.max(
		deliveryScenarios ? sizes.members : 0,
		wants(6) ? sizes.scaleMembers : 0,
		wants(3) ? sizes.connections : 0,
		wants(4) ? 5 : 0
	);
	const groupSize = Math.max(1, Math.round(sizes.members / sizes.channels));
	const members = await registerMembers(org, needed, 0);
	const teams = await createTeams(org, Math.ceil(needed / groupSize), 'Bench');
	await assignTeams(
		org,
		members.map((member, i) => ({ member, teamId: teams[Math.floor(i / groupSize)]! }))
	);
	// Each member asks for their channels, as the app does when it opens.
	const teamDocs = await pool(members, 8, async (member) => {
		const { data } = await listChannels(server.httpUrl, member);
		const team = data.channels.find((channel) => channel.kind === 'team');
		if (!team) throw new Error(`${member.name} has no team channel`);
		return documentName('channel', team.id, team.headShard);
	});
	const adminChannels = (await listChannels(server.httpUrl, org.admin)).data.channels;
	const announcements = adminChannels.find((channel) => channel.kind === 'announcements')!;
	let history: Population['history'] = null;
	if (wants(4)) {
		const [newcomer] = await registerMembers(org, 1, needed);
		const channels = [];
		for (const messages of sizes.histories) {
			const created = await api<{ id: string }>(server.httpUrl, 'POST', '/api/channels', {
				token: org.admin.token,
				body: {
					kind: 'private',
					name: `History ${messages / 1000}k`,
					memberIds: [...members.slice(0, 5).map((m) => m.id), newcomer!.id]
				}
			});
			channels.push({ id: created.data.id, messages });
		}
		history = { newcomer: newcomer!, channels };
	}
	log(
		`[${run.db}] organization ready: ${needed} members in ${teams.length} teams in ${round((performance.now() - started) / 1000)} s`
	);
	return {
		org,
		members,
		teamDocs,
		announcementsDoc: documentName('channel', announcements.id, announcements.headShard),
		presenceDoc: presenceDocumentName(org.id),
		history
	};
}

function plans(
	population: Population,
	count: number,
	url: (index: number) => { url: string; server: number },
	extraDocs: string[] = []
): MemberPlan[] {
	return population.members.slice(0, count).map((member, i) => ({
		id: member.id,
		name: member.name,
		token: member.token,
		...url(i),
		docs: [population.teamDocs[i]!, ...extraDocs],
		presence: population.presenceDoc
	}));
}

/** The bare server has no presence: its clients open only the conversations. */
function withoutPresence(members: MemberPlan[]): MemberPlan[] {
	return members.map(({ presence: _presence, ...member }) => member);
}

const common = (run: DatabaseRun) => ({
	db: run.db,
	quick: options.quick,
	load_processes: options.loaders
});

async function scenarioOneAndFive(run: DatabaseRun, workers: LoadWorker[]): Promise<void> {
	const { sizes } = options;
	const population = run.population!;
	const server = run.server!;
	const base = {
		members: sizes.members,
		channels: sizes.channels,
		rate_per_s: sizes.rate,
		duration_s: sizes.durationS
	};
	const arm = (url: string, pids: number[], quietPids: number[] = [], bare = false) => {
		const planned = plans(population, sizes.members, () => ({ url, server: 0 }));
		const members = bare ? withoutPresence(planned) : planned;
		return {
			workers,
			members,
			senders: members.map((m) => ({ memberId: m.id, doc: m.docs[0]! })),
			ratePerSec: sizes.rate,
			durationMs: sizes.durationS * 1000,
			serverPids: pids,
			quietPids
		};
	};
	log(
		`[${run.db}] scenario${wants(1) && wants(5) ? 's 1 and 5' : wants(1) ? ' 1' : ' 5'}: ${sizes.members} members in ${sizes.channels} channels${wants(1) && wants(5) ? ', product and bare server in alternating blocks' : ''}`
	);
	const bareServer = wants(5) ? await startBare() : null;
	let results;
	try {
		const arms = [
			...(wants(1) ? [arm(server.wsUrl, [server.pid])] : []),
			...(bareServer ? [arm(bareServer.wsUrl, [bareServer.pid], [server.pid], true)] : [])
		];
		results = await measureAlternating(arms, arms.length > 1 ? options.blocks : 1);
		await disconnectAll(workers);
	} finally {
		await bareServer?.stop();
	}
	const product = wants(1) ? results[0]! : null;
	const bare = bareServer ? results.at(-1)! : null;
	if (product) run.singleP99 = product.p99_ms;
	if (product) {
		const ratioP99 = ratio(product.p99_ms, bare?.p99_ms ?? null);
		await emit({
			scenario: 1,
			name: 'delivery, 1,000 members in 100 channels of 10',
			...common(run),
			...base,
			...product,
			bare_p99_ms: bare?.p99_ms ?? null,
			ratio_p99: ratioP99,
			target: 'p99 < 50 ms, ratio_p99 < 3, delivered = expected',
			meets_target:
				product.p99_ms !== null &&
				product.p99_ms < 50 &&
				ratioP99 !== null &&
				ratioP99 < 3 &&
				product.delivered === product.expected
		});
	}
	if (bare && wants(5)) {
		await emit({
			scenario: 5,
			name: 'bare Hocuspocus baseline of scenario 1 (no auth, validation, persistence)',
			...common(run),
			...base,
			...bare,
			bare_p99_ms: bare.p99_ms,
			product_p99_ms: product?.p99_ms ?? null,
			ratio_p99: ratio(product?.p99_ms ?? null, bare.p99_ms)
		});
	}
}

async function scenarioTwo(run: DatabaseRun, workers: LoadWorker[]): Promise<void> {
	const { sizes } = options;
	const population = run.population!;
	const server = run.server!;
	log(`[${run.db}] scenario 2: ${sizes.members} members join the announcements channel`);
	const planFor = (url: string, bare = false) => {
		const at = () => ({ url, server: 0 });
		const members = plans(population, sizes.members, at, [population.announcementsDoc]);
		const admin: MemberPlan = {
			...population.org.admin,
			...at(),
			docs: [population.announcementsDoc],
			presence: population.presenceDoc
		};
		const all = [admin, ...members];
		return {
			workers,
			members: bare ? withoutPresence(all) : all,
			senders: [{ memberId: admin.id, doc: population.announcementsDoc }],
			ratePerSec: sizes.announcementRate,
			durationMs: sizes.durationS * 1000,
			settleS: 2
		};
	};
	// One after the other, not alternating: only the measured arm's thousand members are
	// connected, so the other arm's idle members add nothing to the load processes' work.
	const result = await measureDelivery({ ...planFor(server.wsUrl), serverPids: [server.pid] });
	await disconnectAll(workers);
	// The same clients against the bare server: how much of the fan-out time is the clients'.
	let bare = null;
	if (wants(5)) {
		const bareServer = await startBare();
		try {
			bare = await measureDelivery({
				...planFor(bareServer.wsUrl, true),
				serverPids: [bareServer.pid],
				quietPids: [server.pid]
			});
			await disconnectAll(workers);
		} finally {
			await bareServer.stop();
		}
	}
	await emit({
		scenario: 2,
		name: 'announcements: fan-out to every member while they idle in their channels',
		...common(run),
		members: sizes.members + 1,
		channels: 1,
		idle_channels: sizes.channels,
		rate_per_s: sizes.announcementRate,
		duration_s: sizes.durationS,
		...result,
		bare_p50_ms: bare?.p50_ms ?? null,
		bare_p99_ms: bare?.p99_ms ?? null,
		ratio_p99: ratio(result.p99_ms, bare?.p99_ms ?? null),
		target: 'p99 < 250 ms',
		meets_target:
			result.p99_ms !== null && result.p99_ms < 250 && result.delivered === result.expected
	});
}

async function scenarioThree(run: DatabaseRun, workers: LoadWorker[]): Promise<void> {
	const { sizes } = options;
	const population = run.population!;
	// A fresh process, so that memory per connection is not mixed with earlier scenarios (the
	// quick run measures on the running one).
	const server = options.quick ? run.server! : await restart(run, 'capacity');
	log(`[${run.db}] scenario 3: up to ${sizes.connections} idle connections`);
	await quiesce([server.pid]);
	const before = sampleProcess(server.pid)!.rssMb;
	const all = plans(population, sizes.connections, () => ({ url: server.wsUrl, server: 0 }));
	const step = Math.max(250, Math.round(sizes.connections / 5));
	const steps: { connections: number; rss_mb: number; connect_s: number }[] = [];
	let failed = 0;
	for (let offset = 0; offset < all.length; offset += step) {
		const slice = all.slice(offset, offset + step);
		const connected = await connectMembers(workers, slice);
		failed += connected.failed;
		await new Promise((resolve) => setTimeout(resolve, 2_000));
		const rss = sampleProcess(server.pid)!.rssMb;
		steps.push({
			connections: offset + slice.length,
			rss_mb: round(rss),
			connect_s: connected.seconds
		});
		log(`  ${offset + slice.length} connections: server RSS ${round(rss)} MB`);
		if (rss > 1500) break;
	}
	// Idle for a while: keep-alive reports and timers are what idle connections cost.
	const idle = new ProcessMonitor([server.pid]).start();
	await new Promise((resolve) => setTimeout(resolve, options.quick ? 5_000 : 20_000));
	const usage = idle.stop();
	const connections = steps.at(-1)?.connections ?? 0;
	const after = sampleProcess(server.pid)!.rssMb;
	await disconnectAll(workers);
	await emit({
		scenario: 3,
		name: 'connection capacity: idle members, one WebSocket and one document each',
		...common(run),
		members: connections,
		channels: Math.ceil(connections / Math.round(sizes.members / sizes.channels)),
		connections,
		connect_failures: failed,
		rate_per_s: 0,
		delivered: null,
		expected: null,
		p50_ms: null,
		p99_ms: null,
		max_ms: null,
		server_rss_mb: round(after),
		server_rss_before_mb: round(before),
		mb_per_connection: connections > 0 ? round((after - before) / connections, 3) : null,
		server_cpu_pct: usage.cpuPct,
		machine_busy_pct: usage.machineBusyPct,
		loadavg_1m: usage.loadAvg,
		steps,
		target: '5,000 connections under 1,500 MB',
		// The quick run stays below 5,000 connections: it cannot meet or miss this target.
		meets_target: options.quick ? null : connections >= 5000 && failed === 0 && after < 1500
	});
}

async function seedHistory(run: DatabaseRun): Promise<{ channelId: string; shards: number }[]> {
	const population = run.population!;
	const plan = {
		pgliteDir: run.databaseUrl ? undefined : path.join(run.dataDir, 'pglite'),
		databaseUrl: run.databaseUrl,
		channels: population.history!.channels.map((channel) => ({
			channelId: channel.id,
			messages: channel.messages,
			authorIds: population.members.slice(0, 5).map((m) => m.id)
		}))
	};
	const child = spawn(
		process.execPath,
		[path.join(repoRoot, 'bench/seed-history.ts'), JSON.stringify(plan)],
		{
			cwd: repoRoot,
			stdio: ['ignore', 'pipe', 'inherit']
		}
	);
	let output = '';
	child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
	const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
	if (code !== 0) throw new Error(`seeding history failed (${code})`);
	return JSON.parse(output.trim()) as { channelId: string; shards: number }[];
}

async function scenarioFour(run: DatabaseRun, workers: LoadWorker[]): Promise<void> {
	const population = run.population!;
	log(`[${run.db}] scenario 4: history of ${options.sizes.histories.join(' and ')} messages`);
	await run.server?.stop();
	run.server = null;
	const seeded = await seedHistory(run);
	const server = await restart(run, 'history');
	await new Promise((resolve) => setTimeout(resolve, 3_000));
	const steadyRss = async () => {
		const values = [];
		for (let i = 0; i < 3; i++) {
			values.push(sampleProcess(server.pid)!.rssMb);
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
		return values.sort((a, b) => a - b)[1]!;
	};
	// Warm-up (not reported): the first document a fresh process loads also pays for code paths
	// and caches used by every later one.
	const announcements = /^channel\.([0-9a-f-]+)\./.exec(population.announcementsDoc)![1]!;
	await workers[0]!.request<'probed'>({
		type: 'probe',
		baseUrl: server.httpUrl,
		wsUrl: server.wsUrl,
		member: population.org.admin,
		channelId: announcements
	});
	for (const channel of population.history!.channels) {
		const before = await steadyRss();
		const probe = await workers[0]!.request<'probed'>({
			type: 'probe',
			baseUrl: server.httpUrl,
			wsUrl: server.wsUrl,
			member: population.history!.newcomer,
			channelId: channel.id
		});
		await new Promise((resolve) => setTimeout(resolve, 2_000));
		const after = await steadyRss();
		const bytes = probe.httpBytes + probe.wsBytes;
		await emit({
			scenario: 4,
			name: `history: a new member opens a channel of ${channel.messages.toLocaleString('en')} messages`,
			...common(run),
			members: 1,
			channels: 1,
			messages: channel.messages,
			shards: seeded.find((s) => s.channelId === channel.id)?.shards ?? null,
			rate_per_s: 0,
			delivered: null,
			expected: null,
			p50_ms: null,
			p99_ms: null,
			max_ms: null,
			head_messages: probe.messagesInHead,
			rendered_messages: probe.rendered,
			bytes_received: bytes,
			http_bytes: probe.httpBytes,
			ws_bytes: probe.wsBytes,
			time_to_render_ms: round(probe.renderMs),
			time_to_sync_ms: round(probe.syncMs),
			server_rss_mb: round(after),
			server_rss_delta_mb: round(after - before),
			server_cpu_pct: null,
			target: 'under 1 MB received before rendering, server under 50 MB for the channel',
			meets_target: bytes < 1024 * 1024 && after - before < 50
		});
	}
	await disconnectAll(workers);
}

async function scenarioSix(run: DatabaseRun, workers: LoadWorker[]): Promise<void> {
	const { sizes } = options;
	const population = run.population!;
	await run.server?.stop();
	run.server = null;
	const prefix = uniqueRedisPrefix();
	const redisUrl = `${redisBaseUrl}?prefix=${prefix}`;
	log(`[${run.db}] scenario 6: two processes through Redis (prefix ${prefix})`);
	const servers = [
		await productStart(run, 'scale-a', redisUrl),
		await productStart(run, 'scale-b', redisUrl)
	];
	try {
		const members = plans(population, sizes.scaleMembers, (i) => ({
			url: servers[i % 2]!.wsUrl,
			server: i % 2
		}));
		const result = await measureDelivery({
			workers,
			members,
			senders: members.map((m) => ({ memberId: m.id, doc: m.docs[0]! })),
			ratePerSec: sizes.scaleRate,
			durationMs: sizes.durationS * 1000,
			serverPids: servers.map((s) => s.pid)
		});
		await disconnectAll(workers);
		await emit({
			scenario: 6,
			name: 'delivery across two processes through Redis (members alternate between them)',
			...common(run),
			processes: 2,
			members: sizes.scaleMembers,
			channels: sizes.scaleChannels,
			rate_per_s: sizes.scaleRate,
			duration_s: sizes.durationS,
			...result,
			single_process_p99_ms: run.singleP99,
			ratio_p99: ratio(result.p99_ms, run.singleP99),
			target: 'p99 < 50 ms across processes, delivered = expected',
			meets_target:
				result.p99_ms !== null && result.p99_ms < 50 && result.delivered === result.expected
		});
	} finally {
		await Promise.all(servers.map((server) => server.stop()));
	}
}

async function runDatabase(
	db: DatabaseChoice,
	scenarios: Set<number>,
	workers: LoadWorker[]
): Promise<void> {
	current = scenarios;
	const run: DatabaseRun = {
		db,
		dataDir: path.join(workDir, `data-${db}-${Date.now()}`),
		server: null,
		population: null,
		singleP99: null
	};
	if (db === 'postgres') {
		const database = await createPostgresDatabase();
		run.databaseUrl = database.url;
		run.dropDatabase = database.drop;
	}
	const guarded = async (scenario: number, work: () => Promise<void>) => {
		try {
			await work();
		} catch (error) {
			log(`[${db}] scenario ${scenario} failed: ${(error as Error).stack ?? String(error)}`);
			await emit({ scenario, db, error: String((error as Error).message ?? error) });
			await disconnectAll(workers).catch(() => {});
			if (!run.server) run.server = await productStart(run, 'recovered').catch(() => null);
		}
	};
	try {
		run.server = await productStart(run, 'main');
		log(`[${db}] product server pid ${run.server.pid} on port ${run.server.port}`);
		run.population = await populate(run, run.server);
		if (wants(1) || wants(5)) await guarded(1, () => scenarioOneAndFive(run, workers));
		if (wants(2)) await guarded(2, () => scenarioTwo(run, workers));
		if (wants(3)) await guarded(3, () => scenarioThree(run, workers));
		if (wants(4)) await guarded(4, () => scenarioFour(run, workers));
		if (wants(6)) {
			if (db === 'postgres') await guarded(6, () => scenarioSix(run, workers));
			else if (!options.passes.some((pass) => pass.db === 'postgres' && pass.scenarios.has(6))) {
				await emit({
					scenario: 6,
					db,
					skipped: 'two processes need a shared database: run with --db=postgres or both'
				});
			}
		}
	} finally {
		await run.server?.stop();
		await run.dropDatabase?.();
		await fs.rm(run.dataDir, { recursive: true, force: true });
	}
}

async function main(options: BenchOptions): Promise<void> {
	if (options.out) outFile = await fs.open(options.out, 'a');
	await fs.mkdir(workDir, { recursive: true });
	const plan = options.passes.map((p) => `${[...p.scenarios].join(',')} on ${p.db}`).join('; ');
	log(
		`ConnectFlow bench${options.quick ? ' --quick' : ''}: scenarios ${plan}; ${options.loaders} load processes; ${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(2)}`
	);
	if (options.databases.includes('postgres') && !(await postgresReachable())) {
		throw new Error('real Postgres is not reachable (set BENCH_DATABASE_URL)');
	}
	await preparePrivateBuild();
	const workers = await startWorkers(options.loaders);
	try {
		for (const pass of options.passes) await runDatabase(pass.db, pass.scenarios, workers);
	} finally {
		await Promise.all(workers.map((worker) => worker.exit()));
		await outFile?.close();
	}
	log(`done in ${round((performance.now() - runStarted) / 1000)} s`);
}

main(options).then(
	() => process.exit(0),
	(error: unknown) => {
		log(`bench failed: ${(error as Error).stack ?? String(error)}`);
		process.exit(1);
	}
);
