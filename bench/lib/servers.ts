import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { createScratchDatabase, postgresAnswers } from '#server/testing/test-database.ts';
import { SERVER_ENV, SERVER_NODE_FLAGS } from '../../server/node-flags.ts';
import { fillCompileCache } from '../../server/compile-cache.ts';

/**
 * The servers under test, each in its own process: the built product (a private copy of
 * build/, so that a rebuild in the working tree cannot change it under a running benchmark)
 * and the bare Hocuspocus baseline.
 */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// Overridable so that benches of several checkouts on one machine do not share a copy.
export const appDir = process.env.BENCH_APP_DIR ?? '/tmp/bench-app';
export const workDir = process.env.BENCH_WORK_DIR ?? '/tmp/connectflow-bench';
export const postgresUrl =
	process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const redisBaseUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function log(message: string): void {
	process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/**
 * Copies the built product (build, server, src, package.json) and links node_modules.
 * BENCH_REUSE_APP=1 keeps an existing copy (to measure an experimental change made in it).
 */
export async function preparePrivateBuild(): Promise<void> {
	if (process.env.BENCH_REUSE_APP === '1') {
		try {
			await fs.access(path.join(appDir, 'build/handler.js'));
			log(`reusing the existing copy in ${appDir} (BENCH_REUSE_APP=1)`);
			return;
		} catch {
			// No copy yet: make one.
		}
	}
	const handler = path.join(repoRoot, 'build/handler.js');
	for (let attempt = 0; ; attempt++) {
		try {
			await fs.access(handler);
			break;
		} catch {
			if (attempt >= 60) throw new Error('build/handler.js is missing: run `npm run build` first');
			if (attempt === 0) log('waiting for build/ (someone may be rebuilding)…');
			await new Promise((resolve) => setTimeout(resolve, 2_000));
		}
	}
	await fs.rm(appDir, { recursive: true, force: true });
	await fs.mkdir(appDir, { recursive: true });
	for (const entry of ['build', 'server', 'src', 'package.json']) {
		await fs.cp(path.join(repoRoot, entry), path.join(appDir, entry), { recursive: true });
	}
	await fs.symlink(path.join(repoRoot, 'node_modules'), path.join(appDir, 'node_modules'));
	// As `npm run build` does for the working tree: the cache's entries name each file's path.
	fillCompileCache(appDir);
}

/** Where the product's database is: real Postgres, or the embedded PGlite's folder. */
export interface ProductDatabase {
	databaseUrl?: string;
	pgliteDir?: string;
}

/**
 * Runs `work` on the product's database from the bench (what no API does). On Postgres while
 * the server runs; PGlite's folder takes one process, so the caller stops the server first.
 */
export async function onProductDatabase<T>(
	target: ProductDatabase,
	work: (sql: postgres.Sql) => Promise<T>
): Promise<T> {
	if (target.databaseUrl) {
		const sql = postgres(target.databaseUrl, { max: 1, onnotice: () => {} });
		try {
			return await work(sql);
		} finally {
			await sql.end();
		}
	}
	const { openDatabase } = await import('../../src/lib/server/db/database.ts');
	const database = await openDatabase({ pgliteDir: target.pgliteDir, migrate: false });
	try {
		return await work(database.sql);
	} finally {
		await database.close();
	}
}

export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.listen(0, '127.0.0.1', () => {
			const port = (server.address() as net.AddressInfo).port;
			server.close(() => resolve(port));
		});
		server.on('error', reject);
	});
}

export interface ServerProcess {
	child: ChildProcess;
	pid: number;
	port: number;
	httpUrl: string;
	wsUrl: string;
	stop(): Promise<void>;
}

/** A started server on `port` of this machine: its HTTP address and its collaboration socket. */
function serving(child: ChildProcess, port: number, stop: () => Promise<void>): ServerProcess {
	return {
		child,
		pid: child.pid!,
		port,
		httpUrl: `http://127.0.0.1:${port}`,
		wsUrl: `ws://127.0.0.1:${port}/collab`,
		stop
	};
}

function waitForLine(child: ChildProcess, marker: string, name: string): Promise<void> {
	return new Promise((resolve, reject) => {
		let output = '';
		let errors = '';
		const timer = setTimeout(() => reject(new Error(`${name} did not start: ${errors}`)), 120_000);
		child.stdout!.on('data', (chunk: Buffer) => {
			output += chunk.toString();
			if (output.includes(marker)) {
				clearTimeout(timer);
				resolve();
			}
		});
		child.stderr!.on('data', (chunk: Buffer) => {
			const text = chunk.toString();
			errors = (errors + text).slice(-4000);
			if (process.env.BENCH_DEBUG) process.stderr.write(`[${name}] ${text}`);
		});
		child.on('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`${name} exited (${code}) before it was ready: ${errors}`));
		});
	});
}

async function stopChild(child: ChildProcess, name: string, graceMs = 60_000): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	child.kill('SIGTERM');
	const timer = setTimeout(() => {
		log(`${name} did not stop in ${graceMs / 1000} s: SIGKILL`);
		child.kill('SIGKILL');
	}, graceMs);
	await exited;
	clearTimeout(timer);
}

export interface ProductOptions {
	name: string;
	dataDir: string;
	databaseUrl?: string;
	redisUrl?: string;
	cpuProf?: boolean;
	/** More environment for the product (e.g. SMTP_URL of the bench's mail server). */
	env?: Record<string, string>;
}

/** The product as a user runs it: `node server/main.ts` from the private build copy. */
export async function startProduct(options: ProductOptions): Promise<ServerProcess> {
	const port = await freePort();
	await fs.mkdir(options.dataDir, { recursive: true });
	// One folder per server, Node's own file names: one profile per thread (the main thread's
	// has thread id 0 in its name). A fixed name made the threads overwrite each other's, and
	// the last thread to stop won, often not the main one.
	const profileDir = path.join(workDir, 'profiles', options.name);
	if (options.cpuProf) await fs.mkdir(profileDir, { recursive: true });
	const child = spawn(
		process.execPath,
		[
			...(options.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
			// As the product is started (Dockerfile, npm start): its memory flags.
			...SERVER_NODE_FLAGS,
			// Extra node flags for investigations, e.g. BENCH_SERVER_FLAGS='--trace-gc' (a later
			// flag overrides an earlier one).
			...(process.env.BENCH_SERVER_FLAGS?.split(' ').filter(Boolean) ?? []),
			'server/main.ts'
		],
		{
			cwd: appDir,
			env: {
				PATH: process.env.PATH,
				NODE_ENV: 'production',
				PORT: String(port),
				HOST: '127.0.0.1',
				DATA_DIR: options.dataDir,
				LOG_LEVEL: 'warn',
				...SERVER_ENV,
				...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
				...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
				...options.env,
				// More settings for investigations, e.g. BENCH_SERVER_ENV='PGLITE_SHARED_BUFFERS=8MB'.
				...Object.fromEntries(
					(process.env.BENCH_SERVER_ENV?.split(' ').filter(Boolean) ?? []).map((setting) => {
						const [name, ...value] = setting.split('=');
						return [name, value.join('=')];
					})
				)
			},
			stdio: ['ignore', 'pipe', 'pipe']
		}
	);
	// For investigations: the server's own output (e.g. of --trace-gc) appended to a file.
	if (process.env.BENCH_SERVER_OUTPUT) {
		child.stdout!.pipe(createWriteStream(process.env.BENCH_SERVER_OUTPUT, { flags: 'a' }));
	}
	await waitForLine(child, 'ConnectFlow is running', options.name);
	return serving(child, port, () => stopChild(child, options.name));
}

/** Plain Hocuspocus 4: no authentication, no validation, no persistence. */
export async function startBare(): Promise<ServerProcess> {
	const port = await freePort();
	const child = spawn(process.execPath, [path.join(repoRoot, 'bench/bare-server.ts')], {
		cwd: repoRoot,
		env: { PATH: process.env.PATH, PORT: String(port) },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	await waitForLine(child, 'ready', 'bare server');
	return serving(child, port, () => stopChild(child, 'bare server', 10_000));
}

/** A fresh database on the real Postgres server, dropped by `drop`. */
export function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
	return createScratchDatabase(postgresUrl, 'cf_bench');
}

export function postgresReachable(): Promise<boolean> {
	return postgresAnswers(postgresUrl);
}

export function uniqueRedisPrefix(): string {
	return `cf-bench-${Date.now()}-${randomBytes(3).toString('hex')}`;
}
