import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { requireService } from './require-service.ts';

/**
 * Caddy, the reverse proxy of the deployment (deploy/Caddyfile), as a real process for tests:
 * Debian's package at /usr/bin/caddy (`apt-get install -y caddy`; .ci/run installs it), or
 * CADDY_BIN.
 */
export const caddyBinary = process.env.CADDY_BIN ?? '/usr/bin/caddy';

/** The deployment's Caddyfile, which the tests run as it is, with their own settings. */
export const deployCaddyfile = path.resolve('deploy/Caddyfile');

let available: Promise<boolean> | undefined;

/**
 * Whether Caddy runs here, through `requireService`: without it the tests that need it skip
 * with a warning on a developer's machine and fail the run under CI=true.
 */
export function isCaddyAvailable(): Promise<boolean> {
	available ??= requireService(`Caddy at ${caddyBinary}`, runCaddy(['version']).status === 0);
	return available;
}

/** Runs `caddy <args>` to its end (adapt, validate, version), in a folder of its own. */
export function runCaddy(
	args: string[],
	env: Record<string, string> = {}
): { status: number | null; output: string } {
	const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-caddy-'));
	try {
		const result = spawnSync(caddyBinary, args, {
			env: { ...process.env, ...caddyHome(home), ...env },
			encoding: 'utf8',
			timeout: 30_000
		});
		return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
	} finally {
		fs.rmSync(home, { recursive: true, force: true });
	}
}

export interface RunningCaddy {
	/** https://localhost:<port> */
	origin: string;
	/** Caddy's local CA (PEM), which signed the certificate it serves: clients trust it. */
	rootCertificate: string;
	/** What Caddy printed, for a failing test's message. */
	output(): string;
	stop(): Promise<void>;
}

/**
 * Runs the deployment's Caddyfile on `https://localhost:<httpsPort>` in front of `upstreams`
 * (host:port), with a certificate from Caddy's local CA (`tls internal`, as for DOMAIN=localhost)
 * and its certificates, CA and settings in a temporary folder. No admin endpoint, and the
 * http→https redirects on `httpPort`, so that nothing collides with another Caddy. Resolves once
 * Caddy answers over TLS.
 */
export async function startCaddy(options: {
	httpsPort: number;
	httpPort: number;
	upstreams: string[];
}): Promise<RunningCaddy> {
	const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-caddy-'));
	const env = {
		...process.env,
		...caddyHome(home),
		DOMAIN: `localhost:${options.httpsPort}`,
		UPSTREAMS: options.upstreams.join(' '),
		CADDY_ADMIN: 'off',
		HTTP_PORT: String(options.httpPort)
	};
	const child: ChildProcess = spawn(
		caddyBinary,
		['run', '--config', deployCaddyfile, '--adapter', 'caddyfile'],
		{ env, stdio: ['ignore', 'pipe', 'pipe'] }
	);
	let printed = '';
	for (const stream of [child.stdout, child.stderr]) {
		stream?.on('data', (chunk: Buffer) => (printed += chunk.toString()));
	}
	const stop = async () => {
		if (child.exitCode === null && child.signalCode === null) {
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGTERM');
			await exited;
		}
		fs.rmSync(home, { recursive: true, force: true });
	};
	const origin = `https://localhost:${options.httpsPort}`;
	const rootPath = path.join(home, 'data', 'caddy', 'pki', 'authorities', 'local', 'root.crt');
	const deadline = Date.now() + 30_000;
	for (;;) {
		if (child.exitCode !== null) {
			await stop();
			throw new Error(`Caddy exited (${child.exitCode}) before it answered:\n${printed}`);
		}
		if (fs.existsSync(rootPath)) {
			const rootCertificate = fs.readFileSync(rootPath, 'utf8');
			// Caddy's own answer (/metrics is 404 there): TLS works with its CA.
			const answer = await httpsGet(`${origin}/metrics`, rootCertificate).catch(() => null);
			if (answer?.status === 404) return { origin, rootCertificate, output: () => printed, stop };
		}
		if (Date.now() > deadline) {
			await stop();
			throw new Error(`Caddy did not answer within 30 s:\n${printed}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

/** A GET over https that trusts `ca`: its status and body. */
export function httpsGet(url: string, ca: string): Promise<{ status: number; body: string }> {
	return new Promise((resolve, reject) => {
		https
			.get(url, { ca }, (response) => {
				let body = '';
				response.on('data', (chunk: Buffer) => (body += chunk.toString()));
				response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
				response.on('error', reject);
			})
			.on('error', reject);
	});
}

/** Caddy keeps its data (certificates, CA) and settings under HOME / XDG folders: here, `home`. */
function caddyHome(home: string): Record<string, string> {
	return {
		HOME: home,
		XDG_DATA_HOME: path.join(home, 'data'),
		XDG_CONFIG_HOME: path.join(home, 'config')
	};
}
