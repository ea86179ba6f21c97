import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './servers.ts';

/** What the orchestrator and the load processes say to each other (over the IPC channel). */
export interface MemberPlan {
	id: string;
	name: string;
	token: string;
	/** The collaboration server this member connects to, and its number (scenario 6). */
	url: string;
	server: number;
	/** Documents this member has open. */
	docs: string[];
	/** The organization's presence document, which the app opens in every tab (product only). */
	presence?: string;
}

export type WorkerCommand = { id: number } & (
	| { type: 'connect'; members: MemberPlan[]; batch: number }
	| {
			type: 'send';
			tag: string;
			ratePerSec: number;
			durationMs: number;
			senders: { memberId: string; doc: string; url: string }[];
	  }
	| { type: 'count'; tag: string }
	| { type: 'collect'; tag: string }
	| { type: 'disconnect' }
	| {
			type: 'probe';
			baseUrl: string;
			wsUrl: string;
			member: { id: string; name: string; token: string };
			channelId: string;
	  }
	| { type: 'exit' }
);

export type WorkerReply =
	| { type: 'ready' }
	| { type: 'connected'; documents: number; failed: number; ms: number }
	| { type: 'sent'; perDoc: Record<string, number>; late: number }
	| { type: 'count'; delivered: number }
	| {
			type: 'collected';
			delivered: number;
			latencies: Float64Array;
			/** Deliveries whose sender was connected to another server (scenario 6). */
			cross: Float64Array;
			closes: Record<string, number>;
			denied: number;
			/** Peers' awareness frames received (dropped unread by default, see load-worker.ts). */
			peerAwareness: number;
			/** The load process's worst event-loop delay while this tag was sent. */
			loopDelayMaxMs: number;
	  }
	| { type: 'disconnected' }
	| {
			type: 'probed';
			headShard: number;
			messagesInHead: number;
			rendered: number;
			httpBytes: number;
			wsBytes: number;
			syncMs: number;
			renderMs: number;
			stateBytes: number;
	  };

type Reply<T extends WorkerReply['type']> = Extract<WorkerReply, { type: T }>;
type Command = WorkerCommand extends infer C
	? C extends { id: number }
		? Omit<C, 'id'>
		: never
	: never;

/** One load process, driven by commands that each answer once. */
export class LoadWorker {
	readonly child: ChildProcess;
	readonly ready: Promise<void>;
	private next = 1;
	private waiting = new Map<number, { resolve(value: unknown): void; reject(e: Error): void }>();

	constructor(index: number) {
		this.child = fork(path.join(repoRoot, 'bench/load-worker.ts'), [String(index)], {
			serialization: 'advanced',
			stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
			execArgv: [
				'--max-old-space-size=4096',
				...(process.env.BENCH_WORKER_FLAGS?.split(' ').filter(Boolean) ?? [])
			]
		});
		this.ready = new Promise((resolve, reject) => {
			this.waiting.set(0, { resolve: () => resolve(), reject });
		});
		this.child.on('message', (message: { id: number; type: string; error?: string }) => {
			const waiter = this.waiting.get(message.id);
			if (!waiter) return;
			this.waiting.delete(message.id);
			if (message.type === 'error') waiter.reject(new Error(`load process: ${message.error}`));
			else waiter.resolve(message);
		});
		this.child.on('exit', (code) => {
			for (const waiter of this.waiting.values()) {
				waiter.reject(new Error(`load process exited (${code})`));
			}
			this.waiting.clear();
		});
	}

	get pid(): number {
		return this.child.pid!;
	}

	request<T extends WorkerReply['type']>(command: Command): Promise<Reply<T>> {
		const id = this.next++;
		return new Promise((resolve, reject) => {
			this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
			this.child.send({ ...command, id });
		});
	}

	async exit(): Promise<void> {
		if (this.child.exitCode !== null) return;
		const exited = new Promise((resolve) => this.child.once('exit', resolve));
		this.child.send({ id: -1, type: 'exit' });
		await exited;
	}
}

export async function startWorkers(count: number): Promise<LoadWorker[]> {
	const workers = Array.from({ length: count }, (_, index) => new LoadWorker(index));
	await Promise.all(workers.map((worker) => worker.ready));
	return workers;
}
