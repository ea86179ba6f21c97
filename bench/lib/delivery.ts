import { randomBytes } from 'node:crypto';
import { MachineProbe, type MachineFigures } from './machine-probe.ts';
import { ProcessMonitor, quiesce, round } from './proc.ts';
import type { LoadWorker, MemberPlan } from './protocol.ts';
import { log, workDir } from './servers.ts';
import { Latencies, monotonicMs, round2 } from './stats.ts';

/**
 * One delivery measurement: members (already planned: which server, which documents) are spread
 * over the load processes and connected; senders post at a steady total rate for the duration;
 * then every receiver's document is checked for what arrived.
 */
export interface DeliveryPlan {
	workers: LoadWorker[];
	members: MemberPlan[];
	/** Who posts where; the total rate is shared among the load processes holding them. */
	senders: { memberId: string; doc: string }[];
	ratePerSec: number;
	durationMs: number;
	serverPids: number[];
	/** Other processes that must be quiet before measuring (e.g. the product during the baseline). */
	quietPids?: number[];
	/** Seconds to wait after connecting, before measuring. */
	settleS?: number;
	/** Work that runs while the messages flow (started with the sending, stopped after it). */
	alongside?: () => () => Promise<void>;
	/**
	 * Send until this moment (performance.now() ms) instead of for `durationMs`: for work due at
	 * a set time, whatever the connecting and quieting before took.
	 */
	sendUntil?: number;
	/**
	 * Start sending no earlier than this moment (performance.now() ms), once connected and quiet:
	 * for a window that must open a set time before work due at a set moment.
	 */
	sendFrom?: number;
}

export interface DeliveryResult extends MachineFigures {
	delivered: number;
	expected: number;
	sent: number;
	p50_ms: number | null;
	p99_ms: number | null;
	max_ms: number | null;
	cross_p50_ms: number | null;
	cross_p99_ms: number | null;
	cross_deliveries: number;
	server_rss_mb: number;
	server_cpu_pct: number;
	/** Server CPU time per message sent (all processes), a figure less sensitive to contention. */
	server_cpu_ms_per_msg: number | null;
	servers: { pid: number; rssMb: number }[];
	load_cpu_pct: number;
	machine_busy_pct: number;
	loadavg_1m: number;
	connect_s: number;
	connect_failures: number;
	closes: Record<string, number>;
	denied: number;
	late_sends: number;
	/** The load processes' worst event-loop delay while this arm sent (a receiver's stall delays what it observes). */
	load_loop_delay_max_ms: number;
	/** Peers' awareness frames all simulated clients received per second. */
	peer_awareness_per_s: number;
	client_awareness: 'processed' | 'dropped';
	/** Alternating blocks the sending was split into (1: one block). */
	blocks: number;
}

export async function connectMembers(
	workers: LoadWorker[],
	members: MemberPlan[]
): Promise<{ failed: number; seconds: number }> {
	const started = performance.now();
	const shares = workers.map((_, index) => members.filter((_, i) => i % workers.length === index));
	const replies = await Promise.all(
		workers.map((worker, index) =>
			worker.request<'connected'>({ type: 'connect', members: shares[index]!, batch: 100 })
		)
	);
	return {
		failed: replies.reduce((sum, reply) => sum + reply.failed, 0),
		seconds: round((performance.now() - started) / 1000)
	};
}

export async function disconnectAll(workers: LoadWorker[]): Promise<void> {
	await Promise.all(workers.map((worker) => worker.request({ type: 'disconnect' })));
}

export async function measureDelivery(plan: DeliveryPlan): Promise<DeliveryResult> {
	const [result] = await measureAlternating([plan], 1);
	return result!;
}

interface ArmState {
	plan: DeliveryPlan;
	tag: string;
	sendersPerWorker: { memberId: string; doc: string; url: string }[][];
	docMembers: Map<string, number>;
	connected: { failed: number; seconds: number };
	expected: number;
	sent: number;
	late: number;
	cpuSeconds: number;
	seconds: number;
	peakRss: Map<number, number>;
	busyPctSeconds: number;
	loadCpuSeconds: number;
	loadAvg: number;
	/** When this arm sent and drained (monotonic ms), for the machine probe's figures. */
	windows: [number, number][];
}

/**
 * Several arms (e.g. the product and the bare baseline, each with its own server and its own
 * copy of the members) connected at once and measured in alternating blocks, so that every arm
 * sees the same conditions of this shared machine. Each arm sends for `durationMs` in all.
 */
export async function measureAlternating(
	plans: DeliveryPlan[],
	blocks: number
): Promise<DeliveryResult[]> {
	const workers = plans[0]!.workers;
	const arms: ArmState[] = [];
	for (const plan of plans) {
		const owner = new Map<string, number>();
		plan.members.forEach((member, i) =>
			owner.set(`${member.id} ${member.url}`, i % workers.length)
		);
		const url = new Map(plan.members.map((member) => [member.id, member.url]));
		const connected = await connectMembers(workers, plan.members);
		log(
			`connected ${plan.members.length} members (${plan.members.reduce((s, m) => s + m.docs.length, 0)} documents) to ${plan.members[0]?.url} in ${connected.seconds} s, ${connected.failed} failed`
		);
		const docMembers = new Map<string, number>();
		for (const member of plan.members) {
			for (const doc of member.docs) docMembers.set(doc, (docMembers.get(doc) ?? 0) + 1);
		}
		const senders = plan.senders.map((sender) => ({ ...sender, url: url.get(sender.memberId)! }));
		arms.push({
			plan,
			tag: randomBytes(4).toString('hex'),
			sendersPerWorker: workers.map((_, index) =>
				senders.filter((sender) => owner.get(`${sender.memberId} ${sender.url}`) === index)
			),
			docMembers,
			connected,
			expected: 0,
			sent: 0,
			late: 0,
			cpuSeconds: 0,
			seconds: 0,
			peakRss: new Map(),
			busyPctSeconds: 0,
			loadCpuSeconds: 0,
			loadAvg: 0,
			windows: []
		});
	}
	const settle = Math.max(...plans.map((plan) => plan.settleS ?? 1));
	await new Promise((resolve) => setTimeout(resolve, settle * 1000));
	const allPids = [...new Set(plans.flatMap((p) => [...p.serverPids, ...(p.quietPids ?? [])]))];
	const busy = await quiesce(allPids);
	if (busy >= 10) log(`servers still busy (${round(busy)}% CPU) after 60 s; measuring anyway`);

	const sendFrom = Math.max(...plans.map((plan) => plan.sendFrom ?? 0));
	if (sendFrom > performance.now()) {
		await new Promise((resolve) => setTimeout(resolve, sendFrom - performance.now()));
	} else if (sendFrom > 0) {
		log(`sending ${round((performance.now() - sendFrom) / 1000)} s later than planned`);
	}

	const probe = new MachineProbe();
	await probe.start(workDir);
	const windowStart = monotonicMs();
	const startedAt = performance.now();
	const alongside = plans.flatMap((plan) => (plan.alongside ? [plan.alongside()] : []));
	for (const plan of plans) {
		if (plan.sendUntil !== undefined) {
			plan.durationMs = Math.max(1_000, plan.sendUntil - performance.now());
		}
	}
	try {
		for (let block = 0; block < blocks; block++) {
			for (const arm of arms) await sendBlock(arm, workers, block, blocks);
		}
	} finally {
		await Promise.all(alongside.map((stop) => stop()));
		await probe.stop();
	}
	// For `bench/profile-summary.ts --from=… --to=…` (same monotonic clock as V8's profiles).
	log(
		`measurement window (monotonic µs): --from=${Math.round(windowStart * 1000)} --to=${Math.round(monotonicMs() * 1000)}`
	);
	const elapsedS = (performance.now() - startedAt) / 1000;
	const results: DeliveryResult[] = [];
	let peerAwareness = 0;
	const collectedPerArm = [];
	for (const arm of arms) {
		const collected = await Promise.all(
			workers.map((worker) => worker.request<'collected'>({ type: 'collect', tag: arm.tag }))
		);
		for (const reply of collected) peerAwareness += reply.peerAwareness;
		collectedPerArm.push(collected);
	}
	for (const [index, arm] of arms.entries()) {
		const latencies = new Latencies();
		const cross = new Latencies();
		const closes: Record<string, number> = {};
		let denied = 0;
		let delivered = 0;
		let loadLoopDelay = 0;
		for (const reply of collectedPerArm[index]!) {
			loadLoopDelay = Math.max(loadLoopDelay, reply.loopDelayMaxMs);
			latencies.add(reply.latencies);
			cross.add(reply.cross);
			delivered += reply.delivered;
			denied += reply.denied;
			for (const [kind, count] of Object.entries(reply.closes)) {
				closes[kind] = (closes[kind] ?? 0) + count;
			}
		}
		results.push({
			delivered,
			expected: arm.expected,
			sent: arm.sent,
			p50_ms: latencies.percentile(50),
			p99_ms: latencies.percentile(99),
			max_ms: latencies.max(),
			cross_p50_ms: cross.percentile(50),
			cross_p99_ms: cross.percentile(99),
			cross_deliveries: cross.count,
			server_rss_mb: round([...arm.peakRss.values()].reduce((sum, rss) => sum + rss, 0)),
			server_cpu_pct: round((arm.cpuSeconds / arm.seconds) * 100),
			server_cpu_ms_per_msg: arm.sent > 0 ? round2((arm.cpuSeconds * 1000) / arm.sent) : null,
			servers: [...arm.peakRss].map(([pid, rssMb]) => ({ pid, rssMb })),
			load_cpu_pct: round((arm.loadCpuSeconds / arm.seconds) * 100),
			machine_busy_pct: round(arm.busyPctSeconds / arm.seconds),
			loadavg_1m: arm.loadAvg,
			connect_s: arm.connected.seconds,
			connect_failures: arm.connected.failed,
			closes,
			denied,
			late_sends: arm.late,
			load_loop_delay_max_ms: round(loadLoopDelay),
			peer_awareness_per_s: round(peerAwareness / elapsedS),
			...probe.figures(arm.windows),
			client_awareness: process.env.BENCH_CLIENT_AWARENESS === '1' ? 'processed' : 'dropped',
			blocks
		});
	}
	return results;
}

/** One block of one arm: send for its share of the duration, then wait until all arrived. */
async function sendBlock(
	arm: ArmState,
	workers: LoadWorker[],
	block: number,
	blocks: number
): Promise<void> {
	const { plan } = arm;
	const blockMs = plan.durationMs / blocks;
	const server = new ProcessMonitor(plan.serverPids).start();
	const load = new ProcessMonitor(workers.map((w) => w.pid)).start();
	const blockStarted = performance.now();
	const blockWindowStart = monotonicMs();
	log(
		`sending ${plan.ratePerSec}/s for ${round(blockMs / 1000)} s to ${plan.members[0]?.url}${blocks > 1 ? ` (block ${block + 1}/${blocks})` : ''}…`
	);
	const sent = await Promise.all(
		workers.map((worker, index) =>
			worker.request<'sent'>({
				type: 'send',
				tag: arm.tag,
				ratePerSec: (plan.ratePerSec * arm.sendersPerWorker[index]!.length) / plan.senders.length,
				durationMs: blockMs,
				senders: arm.sendersPerWorker[index]!
			})
		)
	);
	for (const reply of sent) {
		arm.late += reply.late;
		for (const [doc, count] of Object.entries(reply.perDoc)) {
			arm.expected += count * ((arm.docMembers.get(doc) ?? 1) - 1);
			arm.sent += count;
		}
	}
	// Drain: wait until everything of this block arrived, or give up after 15 s.
	const drainStarted = performance.now();
	while (performance.now() - drainStarted < 15_000) {
		const counts = await Promise.all(
			workers.map((worker) => worker.request<'count'>({ type: 'count', tag: arm.tag }))
		);
		if (counts.reduce((sum, reply) => sum + reply.delivered, 0) >= arm.expected) break;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	arm.windows.push([blockWindowStart, monotonicMs()]);
	const serverUsage = server.stop();
	const loadUsage = load.stop();
	const seconds = (performance.now() - blockStarted) / 1000;
	arm.seconds += seconds;
	arm.cpuSeconds += serverUsage.cpuSeconds;
	arm.loadCpuSeconds += loadUsage.cpuSeconds;
	arm.busyPctSeconds += serverUsage.machineBusyPct * seconds;
	arm.loadAvg = Math.max(arm.loadAvg, serverUsage.loadAvg);
	for (const p of serverUsage.perProcess) {
		arm.peakRss.set(p.pid, Math.max(arm.peakRss.get(p.pid) ?? 0, p.rssMb));
	}
}

export function ratio(product: number | null, bare: number | null): number | null {
	return product !== null && bare !== null && bare > 0 ? round2(product / bare) : null;
}
