import fs from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import * as decoding from 'lib0/decoding';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { SyncedProvider } from '../src/lib/client/collab/synced-provider.ts';
import { documentName, listMessages, postMessage } from '../src/lib/shared/chat/document-schema.ts';
import { repeatPresenceReport } from './lib/presence-report.ts';
import { api, SESSION_COOKIE, type ChannelSummary } from './lib/api.ts';
import { DoubleBuffer, monotonicMs } from './lib/stats.ts';
import type { MemberPlan, WorkerCommand, WorkerReply } from './lib/protocol.ts';

/**
 * A load process: holds simulated members, each a real client (one WebSocket per member, as a
 * browser tab has, with the session cookie the API gave them, and the real provider with one
 * document per open conversation). Sends messages on command and measures, for every message
 * it receives, the time from the sender's write (carried in the text: the monotonic clock is
 * the same in every process of the machine) to the moment this receiver observes it.
 */

interface OpenDoc {
	name: string;
	doc: Y.Doc;
	provider: BenchProvider;
	synced: boolean;
	/** Stops the presence document's repeated report. */
	stopReport?: () => void;
}

interface Client {
	plan: MemberPlan;
	socket: HocuspocusProviderWebsocket;
	docs: Map<string, OpenDoc>;
}

/**
 * A browser tab processes its peers' awareness (typing) on its own CPU. A thousand
 * simulated tabs share this machine's two cores with the server, so by default they drop
 * incoming awareness frames unread (the app's tabs publish awareness only while typing, which
 * these members never do). BENCH_CLIENT_AWARENESS=1 processes them like a tab.
 */
const processPeerAwareness = process.env.BENCH_CLIENT_AWARENESS === '1';
const MESSAGE_AWARENESS = 1;
let peerAwareness = 0;

class BenchProvider extends SyncedProvider {
	override onMessage(event: MessageEvent): void {
		const decoder = decoding.createDecoder(new Uint8Array(event.data as ArrayBuffer));
		decoding.readVarString(decoder);
		if (decoding.readVarUint(decoder) === MESSAGE_AWARENESS) {
			peerAwareness++;
			if (!processPeerAwareness) return;
		}
		super.onMessage(event);
	}
}

const clients: Client[] = [];
/** History probes stay connected (the server keeps their channel loaded) until disconnect. */
const probes: { provider: SyncedProvider; socket: HocuspocusProviderWebsocket }[] = [];
const latencies = new Map<string, DoubleBuffer>();
/**
 * This process's own worst event-loop delay while each tag was sent: a receiver that stalls adds
 * the stall to every delivery it observes meanwhile, whichever server sent it.
 */
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
const worstLoopDelay = new Map<string, number>();
const closes = new Map<string, number>();
/**
 * BENCH_TRACE_SLOW=<path>: every delivery slower than 30 ms is written to <path>.<pid> as
 * "<tag> <sent at, monotonic ms> <latency ms>", to see how slow deliveries bunch up in time
 * (compare with the server's logs on the same clock).
 */
const slowTrace = process.env.BENCH_TRACE_SLOW
	? fs.createWriteStream(`${process.env.BENCH_TRACE_SLOW}.${process.pid}`)
	: null;
let denied = 0;

function cookieSocket(token: string, counter?: { bytes: number }) {
	return class CookieWebSocket extends WebSocket {
		constructor(address: string) {
			super(address, { headers: { cookie: `${SESSION_COOKIE}=${token}` } });
			if (counter) {
				// The provider sets binaryType to 'arraybuffer': every payload has a byteLength.
				this.on('message', (data: ArrayBuffer | Buffer | Buffer[]) => {
					counter.bytes += Array.isArray(data)
						? data.reduce((sum, part) => sum + part.byteLength, 0)
						: data.byteLength;
				});
			}
		}
	};
}

/**
 * "bench <tag> <sent at, monotonic ms> <sender's server>": every delivery counts under the tag,
 * and also under "<tag>/cross" when sender and receiver are connected to different servers.
 */
function record(tag: string, latency: number): void {
	let buffer = latencies.get(tag);
	if (!buffer) latencies.set(tag, (buffer = new DoubleBuffer()));
	buffer.push(latency);
}

function observe(doc: Y.Doc, server: number): void {
	doc.on('afterTransaction', (transaction: Y.Transaction) => {
		if (transaction.local) return;
		const now = monotonicMs();
		for (const [type, keys] of transaction.changed) {
			// Top-level maps only. One created by a remote update is a plain AbstractType until
			// someone asks for it with getMap: read its entries from the items themselves.
			if (type._item !== null) continue;
			for (const key of keys) {
				if (key === null || !key.startsWith('m:')) continue;
				const item = type._map.get(key);
				if (!item || item.deleted) continue;
				const value = item.content.getContent().at(-1) as { text?: unknown } | undefined;
				const text = typeof value?.text === 'string' ? value.text : '';
				if (!text.startsWith('bench ')) continue;
				const [, tag, sentAt, from] = text.split(' ');
				const latency = now - Number(sentAt);
				record(tag!, latency);
				if (slowTrace && latency > 30) slowTrace.write(`${tag} ${sentAt} ${latency.toFixed(1)}\n`);
				if (from !== undefined && Number(from) !== server) record(`${tag}/cross`, latency);
			}
		}
	});
}

function openDoc(client: Client, name: string, kind: 'conversation' | 'presence'): OpenDoc {
	const doc = new Y.Doc();
	observe(doc, client.plan.server);
	const open: OpenDoc = { name, doc, provider: null as unknown as BenchProvider, synced: false };
	open.provider = new BenchProvider({
		websocketProvider: client.socket,
		name,
		document: doc,
		token: 'cookie',
		onSynced: () => {
			open.synced = true;
		},
		onClose: ({ event }) => {
			const reason = event?.reason ?? '';
			const kind = reason.split(':')[0] || 'socket';
			closes.set(kind, (closes.get(kind) ?? 0) + 1);
			// As the app does after a resync request: sync again without losing anything.
			if (reason.startsWith('resync')) setTimeout(() => open.provider.reconnectDocument(), 50);
		},
		onAuthenticationFailed: () => {
			denied++;
		}
	});
	// As the app: a conversation's awareness holds a state only while the person types (these
	// members never do), and the presence document holds none; there the tab repeats its status
	// every 15 s (src/lib/client/collab/presence.svelte.ts), which keeps an idle socket open.
	// Real tabs do so at unrelated moments: each member starts at a random point of the period.
	open.provider.awareness?.setLocalState(null);
	if (kind === 'presence') {
		open.stopReport = repeatPresenceReport(
			(text) => open.provider.sendStateless(text),
			() => open.synced
		);
	}
	open.provider.attach();
	client.docs.set(name, open);
	return open;
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<boolean> {
	const started = Date.now();
	while (!check()) {
		if (Date.now() - started > timeoutMs) return false;
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
	return true;
}

async function connect(members: MemberPlan[], batch: number): Promise<WorkerReply> {
	const started = performance.now();
	let failed = 0;
	for (let i = 0; i < members.length; i += batch) {
		const opened: OpenDoc[] = [];
		for (const plan of members.slice(i, i + batch)) {
			let client = clients.find((c) => c.plan.id === plan.id && c.plan.url === plan.url);
			if (!client) {
				const socket = new HocuspocusProviderWebsocket({
					url: plan.url,
					WebSocketPolyfill: cookieSocket(plan.token),
					delay: 1_000,
					minDelay: 500,
					maxDelay: 30_000,
					jitter: true,
					maxAttempts: 0,
					// The product's tabs hear the server's presence keep-alive at least every 15 s;
					// the bare server has none, so its idle clients must not give up on silence.
					...(plan.presence ? {} : { messageReconnectTimeout: 10 * 60_000 })
				});
				client = { plan, socket, docs: new Map() };
				clients.push(client);
			}
			for (const name of plan.docs) {
				if (!client.docs.has(name)) opened.push(openDoc(client, name, 'conversation'));
			}
			if (plan.presence && !client.docs.has(plan.presence)) {
				opened.push(openDoc(client, plan.presence, 'presence'));
			}
		}
		const ok = await waitUntil(() => opened.every((open) => open.synced), 60_000);
		if (!ok) failed += opened.filter((open) => !open.synced).length;
	}
	return {
		type: 'connected',
		documents: members.reduce((sum, m) => sum + m.docs.length, 0),
		failed,
		ms: performance.now() - started
	};
}

/** Sends at a steady rate from random senders; returns what was sent, per document. */
async function send(
	tag: string,
	ratePerSec: number,
	durationMs: number,
	senders: { memberId: string; doc: string; url: string }[]
): Promise<WorkerReply> {
	const perDoc: Record<string, number> = {};
	const targets = senders.flatMap(({ memberId, doc, url }) => {
		const client = clients.find((c) => c.plan.id === memberId && c.plan.url === url);
		const open = client?.docs.get(doc);
		return client && open ? [{ memberId, open, server: client.plan.server }] : [];
	});
	if (targets.length === 0 || ratePerSec <= 0) return { type: 'sent', perDoc, late: 0 };
	const interval = 1000 / ratePerSec;
	loopDelay.reset();
	const started = performance.now();
	let sent = 0;
	let late = 0;
	while (performance.now() - started < durationMs) {
		const due = started + sent * interval;
		const wait = due - performance.now();
		if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
		else if (wait < -50) late++;
		const target = targets[Math.floor(Math.random() * targets.length)]!;
		postMessage(target.open.doc, target.memberId, {
			text: `bench ${tag} ${monotonicMs().toFixed(3)} ${target.server}`
		});
		perDoc[target.open.name] = (perDoc[target.open.name] ?? 0) + 1;
		sent++;
	}
	worstLoopDelay.set(tag, Math.max(worstLoopDelay.get(tag) ?? 0, loopDelay.max / 1e6));
	return { type: 'sent', perDoc, late };
}

/** Messages of this run that each member received from others (counted in the documents). */
function delivered(tag: string): number {
	let count = 0;
	const prefix = `bench ${tag} `;
	for (const client of clients) {
		for (const open of client.docs.values()) {
			for (const message of listMessages(open.doc)) {
				if (message.authorId !== client.plan.id && message.text.startsWith(prefix)) count++;
			}
		}
	}
	return count;
}

/** Scenario 4: a newly connected member opens a channel and renders its recent messages. */
async function probe(
	baseUrl: string,
	wsUrl: string,
	member: { id: string; name: string; token: string },
	channelId: string
): Promise<WorkerReply> {
	const counter = { bytes: 0 };
	const started = performance.now();
	const listed = await api<{ channels: ChannelSummary[] }>(baseUrl, 'GET', '/api/channels', {
		token: member.token
	});
	const channel = listed.data.channels.find((c) => c.id === channelId);
	if (!channel) throw new Error(`channel ${channelId} is not listed for the member`);
	const socket = new HocuspocusProviderWebsocket({
		url: wsUrl,
		WebSocketPolyfill: cookieSocket(member.token, counter),
		maxAttempts: 1
	});
	const doc = new Y.Doc();
	let synced = false;
	const provider = new SyncedProvider({
		websocketProvider: socket,
		name: documentName('channel', channelId, channel.headShard),
		document: doc,
		token: 'cookie',
		onSynced: () => {
			synced = true;
		}
	});
	provider.attach();
	probes.push({ provider, socket });
	if (!(await waitUntil(() => synced, 60_000))) throw new Error('history probe did not sync');
	const syncedAt = performance.now();
	const recent = listMessages(doc).slice(-50);
	const renderedAt = performance.now();
	const result: WorkerReply = {
		type: 'probed',
		headShard: channel.headShard,
		messagesInHead: listMessages(doc).length,
		rendered: recent.length,
		httpBytes: listed.bytes,
		wsBytes: counter.bytes,
		syncMs: syncedAt - started,
		renderMs: renderedAt - started,
		stateBytes: Y.encodeStateAsUpdate(doc).byteLength
	};
	return result;
}

function reply(id: number, message: WorkerReply | { type: 'error'; error: string }): void {
	process.send!({ id, ...message });
}

process.on('message', (command: WorkerCommand) => {
	void (async () => {
		try {
			switch (command.type) {
				case 'connect':
					reply(command.id, await connect(command.members, command.batch));
					break;
				case 'send':
					reply(
						command.id,
						await send(command.tag, command.ratePerSec, command.durationMs, command.senders)
					);
					break;
				case 'count':
					reply(command.id, { type: 'count', delivered: delivered(command.tag) });
					break;
				case 'collect': {
					const take = (tag: string) => {
						const buffer = latencies.get(tag);
						latencies.delete(tag);
						return buffer ? buffer.take() : new Float64Array(0);
					};
					reply(command.id, {
						type: 'collected',
						delivered: delivered(command.tag),
						latencies: take(command.tag),
						cross: take(`${command.tag}/cross`),
						closes: Object.fromEntries(closes),
						denied,
						peerAwareness,
						loopDelayMaxMs: worstLoopDelay.get(command.tag) ?? 0
					});
					worstLoopDelay.delete(command.tag);
					closes.clear();
					denied = 0;
					peerAwareness = 0;
					break;
				}
				case 'disconnect': {
					for (const client of clients.splice(0)) {
						for (const open of client.docs.values()) {
							open.stopReport?.();
							open.provider.destroy();
							open.doc.destroy();
						}
						client.socket.destroy();
					}
					for (const { provider, socket } of probes.splice(0)) {
						provider.destroy();
						socket.destroy();
					}
					reply(command.id, { type: 'disconnected' });
					break;
				}
				case 'probe':
					reply(
						command.id,
						await probe(command.baseUrl, command.wsUrl, command.member, command.channelId)
					);
					break;
				case 'exit':
					process.exit(0);
			}
		} catch (error) {
			reply(command.id, { type: 'error', error: String((error as Error)?.stack ?? error) });
		}
	})();
});

process.send!({ id: 0, type: 'ready' });
