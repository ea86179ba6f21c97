import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { deployCaddyfile, isCaddyAvailable, runCaddy } from '#server/testing/caddy.ts';
import { loadConfig } from '#server/config.ts';
import { requireService } from '#server/testing/require-service.ts';

/**
 * The deployment as written: docker-compose.yml, which Docker Compose itself validates and
 * resolves (`config`: no containers run, so no Docker daemon is needed), and deploy/Caddyfile,
 * which Caddy itself adapts and validates. The rolling restart through this Caddyfile is proven
 * in server/collab/rolling-restart.test.ts.
 */
const hasCaddy = await isCaddyAvailable();

/**
 * Docker Compose as installed: the v2 plugin (`docker compose`) or the standalone v1 command
 * (`docker-compose`, Debian's package, which .ci/run installs when neither is here).
 */
const composeCommand = [['docker', 'compose'], ['docker-compose']].find(
	([command, ...args]) =>
		spawnSync(command!, [...args, 'version'], { encoding: 'utf8', timeout: 30_000 }).status === 0
);
const hasCompose = await requireService('Docker Compose', composeCommand !== undefined);

/** `docker compose config` of this repository's file with `env` set: the resolved file. */
function composeConfig(env: Record<string, string> = {}) {
	const [command, ...args] = composeCommand!;
	const result = spawnSync(command!, [...args, '--file', 'docker-compose.yml', 'config'], {
		// Nothing of this shell's own settings (a DOMAIN, a password) leaks into the defaults.
		env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
		encoding: 'utf8',
		timeout: 60_000
	});
	expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
	return parse(result.stdout) as { services: Record<string, Service> };
}

interface Service {
	image?: string;
	build?: string;
	environment?: Record<string, string>;
	ports?: string[];
	expose?: string[];
	volumes?: string[];
	depends_on?: Record<string, { condition: string }>;
	healthcheck?: { test: string[] };
	stop_grace_period?: string;
	init?: boolean;
}

/** `${NAME:-default}` and `${NAME}` as Compose resolves them with nothing set in the environment. */
function interpolate(value: string, env: Record<string, string> = {}): string {
	return value.replace(
		/\$\{(\w+)(?::-([^}]*))?\}/g,
		(_match, name: string, fallback?: string) => env[name] ?? fallback ?? ''
	);
}

function seconds(duration: string): number {
	const match = /^(\d+)(ms|s|m)$/.exec(duration);
	if (!match) throw new Error(`not a duration: ${duration}`);
	return Number(match[1]) / (match[2] === 'ms' ? 1000 : match[2] === 'm' ? 1 / 60 : 1);
}

describe('docker-compose.yml', () => {
	// YAML merge keys (`<<: *app`) as Compose reads them.
	const compose = parse(fs.readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as {
		services: Record<string, Service>;
		volumes: Record<string, unknown>;
	};
	const { services } = compose;
	const apps = ['app1', 'app2'].map((name) => services[name]!);

	it('runs Caddy, two app processes of the same build, Postgres, MinIO and Redis', () => {
		expect(Object.keys(services).sort()).toEqual(
			['app1', 'app2', 'caddy', 'minio', 'postgres', 'redis'].sort()
		);
		expect(services.caddy!.image).toMatch(/^caddy:2/);
		for (const app of apps) expect(app.build).toBe('.');
		// Only Caddy is published; the processes are reached inside the network.
		expect(services.caddy!.ports).toEqual(expect.arrayContaining(['80:80', '443:443']));
		for (const app of apps) {
			expect(app.ports).toBeUndefined();
			expect(app.expose).toEqual(['3000']);
		}
	});

	it('gives both processes the shared services and the public https address', () => {
		for (const app of apps) {
			const env = Object.fromEntries(
				Object.entries(app.environment!).map(([name, value]) => [name, interpolate(value)])
			);
			const config = loadConfig(env);
			expect(config.ORIGIN).toBe('https://localhost');
			expect(config.DATABASE_URL).toMatch(/@postgres:5432\//);
			expect(config.REDIS_URL).toBe('redis://redis:6379');
			expect(config.S3_ENDPOINT).toBe('minio');
			expect(config.TRUST_PROXY).toBe(true);
			// A public DOMAIN becomes the ORIGIN.
			expect(interpolate(app.environment!.ORIGIN!, { DOMAIN: 'chat.example.com' })).toBe(
				'https://chat.example.com'
			);
			for (const service of ['postgres', 'redis', 'minio']) {
				expect(app.depends_on![service]).toEqual({ condition: 'service_healthy' });
			}
			// Each process its own data folder: two processes never share an embedded database.
			expect(app.volumes).toHaveLength(1);
		}
		expect(apps[0]!.volumes![0]!.split(':')[0]).not.toBe(apps[1]!.volumes![0]!.split(':')[0]);
	});

	it('checks each process on /readyz and lets it drain before Docker kills it', () => {
		for (const app of apps) {
			expect(app.healthcheck!.test.join(' ')).toContain('/readyz');
			expect(app.init).toBe(true);
			const deadline = loadConfig(app.environment).SHUTDOWN_DEADLINE_MS / 1000;
			// shutdown.ts exits at the latest 5 s after the deadline.
			expect(seconds(app.stop_grace_period!)).toBeGreaterThan(deadline + 5);
		}
		for (const service of ['postgres', 'redis', 'minio']) {
			expect(services[service]!.healthcheck).toBeDefined();
		}
	});

	it('points Caddy at both processes with the repository Caddyfile', () => {
		const caddy = services.caddy!;
		expect(caddy.volumes).toContain('./deploy/Caddyfile:/etc/caddy/Caddyfile:ro');
		expect(caddy.volumes).toEqual(expect.arrayContaining(['caddy-data:/data']));
		expect(caddy.environment!.UPSTREAMS!.split(' ')).toEqual(['app1:3000', 'app2:3000']);
		expect(interpolate(caddy.environment!.DOMAIN!)).toBe('localhost');
		expect(Object.keys(caddy.depends_on!).sort()).toEqual(['app1', 'app2']);
		for (const volume of ['app1-data', 'app2-data', 'caddy-data', 'caddy-config']) {
			expect(compose.volumes).toHaveProperty(volume);
		}
	});
});

describe.skipIf(!hasCompose)('docker compose config', () => {
	it('validates the file and resolves the defaults: https://localhost, Postgres, Redis, MinIO', () => {
		const { services } = composeConfig();
		expect(Object.keys(services).sort()).toEqual(
			['app1', 'app2', 'caddy', 'minio', 'postgres', 'redis'].sort()
		);
		for (const name of ['app1', 'app2']) {
			const config = loadConfig(services[name]!.environment!);
			expect(config.ORIGIN).toBe('https://localhost');
			expect(config.DATABASE_URL).toBe(
				'postgres://connectflow:connectflow@postgres:5432/connectflow'
			);
			expect(config.REDIS_URL).toBe('redis://redis:6379');
			expect(config.S3_ENDPOINT).toBe('minio');
		}
		expect(services.caddy!.environment!.DOMAIN).toBe('localhost');
	});

	it('takes the public DOMAIN and the passwords from the environment', () => {
		const { services } = composeConfig({
			DOMAIN: 'chat.example.com',
			POSTGRES_PASSWORD: 'pg-secret',
			MINIO_ROOT_PASSWORD: 'minio-secret'
		});
		const app = loadConfig(services.app1!.environment!);
		expect(app.ORIGIN).toBe('https://chat.example.com');
		expect(app.DATABASE_URL).toBe('postgres://connectflow:pg-secret@postgres:5432/connectflow');
		expect(app.S3_SECRET_KEY).toBe('minio-secret');
		expect(services.postgres!.environment!.POSTGRES_PASSWORD).toBe('pg-secret');
		expect(services.minio!.environment!.MINIO_ROOT_PASSWORD).toBe('minio-secret');
		expect(services.caddy!.environment!.DOMAIN).toBe('chat.example.com');
	});
});

describe.skipIf(!hasCaddy)('deploy/Caddyfile', () => {
	/** The route handlers Caddy makes of the Caddyfile, with compose's settings. */
	function adapted(env: Record<string, string>): Array<Record<string, unknown>> {
		const result = runCaddy(['adapt', '--config', deployCaddyfile, '--adapter', 'caddyfile'], env);
		expect(result.status, result.output).toBe(0);
		const json = JSON.parse(result.output.slice(result.output.indexOf('{'))) as {
			apps: { http: { servers: Record<string, { listen: string[]; routes: unknown[] }> } };
		};
		const [server] = Object.values(json.apps.http.servers);
		const handlers: Array<Record<string, unknown>> = [];
		const walk = (node: unknown) => {
			if (Array.isArray(node)) return node.forEach(walk);
			if (node && typeof node === 'object') {
				const record = node as Record<string, unknown>;
				if (typeof record.handler === 'string') handlers.push(record);
				Object.values(record).forEach(walk);
			}
		};
		walk(server!.routes);
		return handlers;
	}

	it('is valid for Caddy', () => {
		const result = runCaddy(['validate', '--config', deployCaddyfile, '--adapter', 'caddyfile'], {
			DOMAIN: 'localhost'
		});
		expect(result.output).toContain('Valid configuration');
		expect(result.status).toBe(0);
	});

	it('balances both processes, checks /readyz every second, retries elsewhere, sends HSTS', () => {
		const handlers = adapted({ DOMAIN: 'localhost', UPSTREAMS: 'app1:3000 app2:3000' });
		const proxy = handlers.find((handler) => handler.handler === 'reverse_proxy') as {
			upstreams: Array<{ dial: string }>;
			health_checks: { active: { uri: string; expect_status: number; interval: number } };
			load_balancing: { try_duration: number };
		};
		expect(proxy.upstreams.map((upstream) => upstream.dial)).toEqual(['app1:3000', 'app2:3000']);
		expect(proxy.health_checks.active).toMatchObject({ uri: '/readyz', expect_status: 200 });
		// Nanoseconds.
		expect(proxy.health_checks.active.interval).toBe(1e9);
		expect(proxy.load_balancing.try_duration).toBeGreaterThan(0);
		const headers = handlers.find((handler) => handler.handler === 'headers') as {
			response: { set: Record<string, string[]>; deferred?: boolean };
		};
		expect(headers.response.set['Strict-Transport-Security']).toEqual([
			'max-age=63072000; includeSubDomains'
		]);
		// Set after the app answered, replacing the app's own copy: one header, not two.
		expect(headers.response.deferred).toBe(true);
		// /metrics is answered by Caddy itself (404), never proxied to the public.
		expect(handlers.some((h) => h.handler === 'static_response' && h.status_code === 404)).toBe(
			true
		);
	});

	it('serves the DOMAIN over https, a real one with a public certificate', () => {
		const result = runCaddy(['adapt', '--config', deployCaddyfile, '--adapter', 'caddyfile'], {
			DOMAIN: 'chat.example.com'
		});
		expect(result.status, result.output).toBe(0);
		const json = JSON.parse(result.output.slice(result.output.indexOf('{'))) as {
			apps: { http: { servers: Record<string, { listen: string[] }> }; pki?: unknown };
		};
		expect(Object.values(json.apps.http.servers)[0]!.listen).toEqual([':443']);
		expect(result.output).toContain('"host":["chat.example.com"]');
	});
});
