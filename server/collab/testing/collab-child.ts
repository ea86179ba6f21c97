import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll } from 'vitest';
import type { TestClient } from './collab-harness.ts';

/** collab-process.ts in a child process, for tests that kill the server or run two. */
const entry = path.resolve('server/collab/testing/collab-process.ts');

/** The last output of each child (stdout and stderr as they came), for a failed test's message. */
const lastOutputs = new WeakMap<ChildProcess, string[]>();
const KEPT_CHUNKS = 30;

export function runCollabProcess(args: string[], env: Record<string, string>): ChildProcess {
	const child = spawn(process.execPath, [entry, ...args], {
		env: { ...process.env, ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	const kept: string[] = [];
	const keep = (chunk: Buffer) => {
		kept.push(chunk.toString());
		if (kept.length > KEPT_CHUNKS) kept.shift();
	};
	child.stdout!.on('data', keep);
	child.stderr!.on('data', keep);
	lastOutputs.set(child, kept);
	return child;
}

/** What the child printed last (its log lines and errors), at most `chars` characters. */
export function lastOutputOf(child: ChildProcess, chars = 6_000): string {
	return (lastOutputs.get(child) ?? []).join('').slice(-chars);
}

/** Resolves with the child's output once `until` holds for it; rejects if it exits first. */
export function outputOf(child: ChildProcess, until: (text: string) => boolean): Promise<string> {
	return new Promise((resolve, reject) => {
		let text = '';
		let errors = '';
		child.stdout!.on('data', (chunk: Buffer) => {
			text += chunk.toString();
			if (until(text)) resolve(text);
		});
		child.stderr!.on('data', (chunk: Buffer) => {
			errors += chunk.toString();
			if (process.env.DEBUG_COLLAB_CHILD) console.log('[server]', chunk.toString());
		});
		child.on('exit', (code) => {
			if (!until(text)) reject(new Error(`collab process exited (${code}): ${errors}`));
		});
	});
}

/** A member of the channel `setup` made, with a session token. */
export interface ChildMember {
	id: string;
	token: string;
}

/**
 * Runs `setup` in a child process (an organization with one channel and `members` people in it,
 * in the database `env` names) and resolves with what it printed; with `untilExit`, once it has
 * also exited (an embedded database's folder is free again).
 */
export async function setUpCollabProcess(
	members: number,
	env: Record<string, string>,
	options: { untilExit?: boolean } = {}
): Promise<{ channelId: string; members: ChildMember[] }> {
	const setup = runCollabProcess(['setup', String(members)], env);
	const exited = new Promise((resolve) => setup.on('exit', resolve));
	const printed = await outputOf(setup, (text) => text.trim().endsWith('}'));
	if (options.untilExit) await exited;
	return JSON.parse(printed.trim()) as { channelId: string; members: ChildMember[] };
}

/** Starts the server in a child process and resolves once it is ready. */
export async function serveCollabProcess(env: Record<string, string>): Promise<ChildProcess> {
	const server = runCollabProcess(['serve'], env);
	await outputOf(server, (text) => text.includes('ready'));
	return server;
}

/**
 * The ids of the messages the stored document holds, read in a process of its own as a
 * restarted server would load it (the server must not be running).
 */
export async function storedMessageIds(
	env: Record<string, string>,
	name: string
): Promise<Set<string>> {
	const reader = runCollabProcess(['stored', name], env);
	const text = await outputOf(reader, (out) => out.trim().endsWith(']'));
	return new Set(JSON.parse(text.trim()) as string[]);
}

/** Kills the child at once (SIGKILL: no shutdown work) and waits until it is gone. */
export async function killCollabProcess(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise((resolve) => child.once('exit', resolve));
	child.kill('SIGKILL');
	await exited;
}

/** Stops the children as a deployment does (SIGTERM: their shutdown work) and waits until each is gone. */
export async function stopCollabProcesses(children: ChildProcess[]): Promise<void> {
	for (const child of children) child.kill('SIGTERM');
	await Promise.all(
		children.map((child) =>
			child.exitCode === null ? new Promise((resolve) => child.on('exit', resolve)) : null
		)
	);
}

/**
 * What a suite's tests start, pushed here as they go, for the suite's end: the clients are
 * destroyed, the servers killed, and then the cleanup steps run, the last added first.
 */
export function useCollabProcesses(): {
	servers: ChildProcess[];
	clients: TestClient[];
	cleanup: Array<() => Promise<unknown> | unknown>;
} {
	const started = {
		servers: [] as ChildProcess[],
		clients: [] as TestClient[],
		cleanup: [] as Array<() => Promise<unknown> | unknown>
	};
	afterAll(async () => {
		for (const client of started.clients) client.destroy();
		for (const server of started.servers) await killCollabProcess(server);
		for (const step of started.cleanup.reverse()) await step();
	});
	return started;
}
