import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Metrics } from './metrics.ts';
import { handleOpsRequest } from './ops-endpoints.ts';
import { PROBE_CACHE_MS, Readiness } from './readiness.ts';

/**
 * The operator's endpoints over a real HTTP server, with the real readiness and metrics:
 * /healthz, /readyz through starting, ready, a failing dependency and draining, the probes'
 * cache and single flight, and /metrics behind its bearer token.
 */
describe('/healthz, /readyz and /metrics', () => {
	let database = true;
	let probes = 0;
	const readiness = new Readiness();
	readiness.probe('database', async () => {
		probes++;
		if (!database) throw new Error('connection refused');
	});
	const metrics = new Metrics();
	// As the app context does with its file service's upload pace.
	metrics.readUploadPaceFrom(() => 12.5);
	let token: string | undefined;
	const server = http.createServer((request, response) => {
		if (!handleOpsRequest({ readiness, metrics, metricsToken: token }, request, response)) {
			response.writeHead(418).end();
		}
	});
	let origin = '';
	beforeAll(async () => {
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterAll(async () => {
		vi.restoreAllMocks();
		await new Promise((resolve) => server.close(resolve));
	});
	/** Moves the probes' clock past their cache. */
	const realNow = Date.now;
	let clock = 0;
	const later = () => {
		clock = Math.max(clock, realNow()) + PROBE_CACHE_MS + 1;
		vi.spyOn(Date, 'now').mockImplementation(() => clock);
	};

	it('/healthz answers while the process runs; /readyz is 503 while starting', async () => {
		expect((await fetch(`${origin}/healthz`)).status).toBe(200);
		const starting = await fetch(`${origin}/readyz`);
		expect(starting.status).toBe(503);
		expect(await starting.json()).toMatchObject({ ready: false, state: 'starting' });
		expect((await fetch(`${origin}/other`)).status).toBe(418);
	});

	it('/readyz follows the dependencies, probing at most once a second and never twice at once', async () => {
		readiness.ready();
		later();
		const before = probes;
		const answers = await Promise.all(
			Array.from({ length: 20 }, () => fetch(`${origin}/readyz`).then((r) => r.status))
		);
		expect(answers).toEqual(Array(20).fill(200));
		expect(probes).toBe(before + 1);

		database = false;
		expect((await fetch(`${origin}/readyz`)).status).toBe(200); // cached for a second
		later();
		const out = await fetch(`${origin}/readyz`);
		expect(out.status).toBe(503);
		expect(await out.json()).toEqual({ ready: false, state: 'ready', checks: { database: false } });

		database = true;
		later();
		expect((await fetch(`${origin}/readyz`)).status).toBe(200);
	});

	it('/metrics is 404 without a token configured, 401 without the right one', async () => {
		token = undefined;
		expect((await fetch(`${origin}/metrics`)).status).toBe(404);
		token = 'scrape-secret';
		expect((await fetch(`${origin}/metrics`)).status).toBe(401);
		const wrong = await fetch(`${origin}/metrics`, {
			headers: { authorization: 'Bearer scrape-secreT' }
		});
		expect(wrong.status).toBe(401);
		expect(wrong.headers.get('www-authenticate')).toBe('Bearer');
		const right = await fetch(`${origin}/metrics`, {
			headers: { authorization: 'Bearer scrape-secret' }
		});
		expect(right.status).toBe(200);
		expect(right.headers.get('content-type')).toMatch(/^text\/plain/);
		const text = await right.text();
		for (const name of [
			'connectflow_collab_connections',
			'connectflow_collab_updates_refused_total',
			'connectflow_collab_delivery_seconds_bucket',
			'connectflow_http_requests_total',
			'connectflow_jobs_queued',
			'connectflow_upload_receive_megabytes_per_second',
			'nodejs_eventloop_lag_p99_seconds',
			'process_resident_memory_bytes'
		]) {
			expect(text).toContain(name);
		}
		const pace = text.match(/^connectflow_upload_receive_megabytes_per_second (\S+)$/m);
		expect(Number(pace?.[1])).toBe(12.5);
	});

	it('once draining, /readyz is 503 whatever the dependencies say', async () => {
		readiness.drain();
		later();
		const draining = await fetch(`${origin}/readyz`);
		expect(draining.status).toBe(503);
		expect(await draining.json()).toMatchObject({ ready: false, state: 'draining' });
		expect((await fetch(`${origin}/healthz`)).status).toBe(200);
	});
});
