import { randomBytes } from 'node:crypto';
import { ProcessMonitor, quiesce, round } from './proc.ts';
import type { LoadWorker, MemberPlan } from './protocol.ts';
import { log } from './servers.ts';
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
}

export interface DeliveryResult {
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
	servers: { pid: number; rssMb: number; cpuPct: number }[];
	load_cpu_pct: number;
	machine_busy_pct: number;
	loadavg_1m: number;
	connect_s: number;
	connect_failures: number;
	closes: Record<string, number>;
	denied: number;
	late_sends: number;
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
	const { workers } = plan;
	const tag = randomBytes(4).toString('hex');
	const owner = new Map<string, number>();
	plan.members.forEach((member, i) => owner.set(member.id, i % workers.length));
	const connected = await connectMembers(workers, plan.members);
	log(
		`connected ${plan.members.length} members (${plan.members.reduce((s, m) => s + m.docs.length, 0)} documents) in ${connected.seconds} s, ${connected.failed} failed`
	);
	await new Promise((resolve) => setTimeout(resolve, (plan.settleS ?? 1) * 1000));
	const busy = await quiesce([...plan.serverPids, ...(plan.quietPids ?? [])]);
	if (busy >= 10) log(`servers still busy (${round(busy)}% CPU) after 60 s; measuring anyway`);

	const docMembers = new Map<string, number>();
	for (const member of plan.members) {
		for (const doc of member.docs) docMembers.set(doc, (docMembers.get(doc) ?? 0) + 1);
	}
	const sendersPerWorker = workers.map((_, index) =>
		plan.senders.filter((sender) => owner.get(sender.memberId) === index)
	);
	const server = new ProcessMonitor(plan.serverPids).start();
	const load = new ProcessMonitor(workers.map((w) => w.pid)).start();
	const windowStart = monotonicMs();
	log(`sending ${plan.ratePerSec}/s for ${plan.durationMs / 1000} s…`);
	const sent = await Promise.all(
		workers.map((worker, index) =>
			worker.request<'sent'>({
				type: 'send',
				tag,
				ratePerSec: (plan.ratePerSec * sendersPerWorker[index]!.length) / plan.senders.length,
				durationMs: plan.durationMs,
				senders: sendersPerWorker[index]!
			})
		)
	);
	let expected = 0;
	let total = 0;
	for (const reply of sent) {
		for (const [doc, count] of Object.entries(reply.perDoc)) {
			expected += count * ((docMembers.get(doc) ?? 1) - 1);
			total += count;
		}
	}
	// Drain: wait until everything arrived, or give up after 15 s.
	const drainStarted = performance.now();
	let delivered = 0;
	while (performance.now() - drainStarted < 15_000) {
		const counts = await Promise.all(
			workers.map((worker) => worker.request<'count'>({ type: 'count', tag }))
		);
		delivered = counts.reduce((sum, reply) => sum + reply.delivered, 0);
		if (delivered >= expected) break;
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	// For `bench/profile-summary.ts --from=… --to=…` (same monotonic clock as V8's profiles).
	log(`measurement window (monotonic µs): --from=${Math.round(windowStart * 1000)} --to=${Math.round(monotonicMs() * 1000)}`);
	const serverUsage = server.stop();
	const loadUsage = load.stop();
	const collected = await Promise.all(
		workers.map((worker) => worker.request<'collected'>({ type: 'collect', tag }))
	);
	const latencies = new Latencies();
	const cross = new Latencies();
	const closes: Record<string, number> = {};
	let denied = 0;
	delivered = 0;
	for (const reply of collected) {
		latencies.add(reply.latencies);
		cross.add(reply.cross);
		delivered += reply.delivered;
		denied += reply.denied;
		for (const [kind, count] of Object.entries(reply.closes)) {
			closes[kind] = (closes[kind] ?? 0) + count;
		}
	}
	return {
		delivered,
		expected,
		sent: total,
		p50_ms: latencies.percentile(50),
		p99_ms: latencies.percentile(99),
		max_ms: latencies.max(),
		cross_p50_ms: cross.percentile(50),
		cross_p99_ms: cross.percentile(99),
		cross_deliveries: cross.count,
		server_rss_mb: serverUsage.rssMb,
		server_cpu_pct: serverUsage.cpuPct,
		server_cpu_ms_per_msg: total > 0 ? round2((serverUsage.cpuSeconds * 1000) / total) : null,
		servers: serverUsage.perProcess,
		load_cpu_pct: loadUsage.cpuPct,
		machine_busy_pct: serverUsage.machineBusyPct,
		loadavg_1m: serverUsage.loadAvg,
		connect_s: connected.seconds,
		connect_failures: connected.failed,
		closes,
		denied,
		late_sends: sent.reduce((sum, reply) => sum + reply.late, 0)
	};
}

export function ratio(product: number | null, bare: number | null): number | null {
	return product !== null && bare !== null && bare > 0 ? round2(product / bare) : null;
}
