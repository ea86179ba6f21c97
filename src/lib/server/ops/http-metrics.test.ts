import { describe, expect, it } from 'vitest';
import { useServedApp } from '#server/testing/served-app.ts';

/**
 * HTTP metrics (the `handleMetrics` handle of hooks.server.ts) through the real SvelteKit app:
 * requests are counted by route id (never the raw path), method and status.
 */
describe('HTTP metrics', () => {
	const { app, server } = useServedApp('pglite');

	const count = async (labels: Record<'route' | 'method' | 'status', string>) => {
		const { values } = await app.metrics.httpRequests.get();
		return (
			values.find((entry) =>
				(['route', 'method', 'status'] as const).every((key) => entry.labels[key] === labels[key])
			)?.value ?? 0
		);
	};

	it('counts requests by route id, method and status', async () => {
		const api404 = { route: '/api/[...path]', method: 'GET', status: '404' };
		const openapi = { route: '/api/openapi.json', method: 'GET', status: '200' };
		const unmatched = { route: 'unmatched', method: 'GET', status: '404' };
		const before = {
			api404: await count(api404),
			openapi: await count(openapi),
			unmatched: await count(unmatched)
		};
		for (const path of ['/api/no-such-thing/1', '/api/no-such-thing/2']) {
			expect((await fetch(`${server.origin}${path}`)).status).toBe(404);
		}
		expect((await fetch(`${server.origin}/api/openapi.json`)).status).toBe(200);
		expect((await fetch(`${server.origin}/no/such/page`)).status).toBe(404);

		expect(await count(api404)).toBe(before.api404 + 2);
		expect(await count(openapi)).toBe(before.openapi + 1);
		expect(await count(unmatched)).toBe(before.unmatched + 1);
		const { values } = await app.metrics.httpSeconds.get();
		const observed = values.find(
			(entry) =>
				entry.metricName === 'connectflow_http_request_seconds_count' &&
				entry.labels.route === '/api/openapi.json'
		);
		expect(observed?.value).toBeGreaterThanOrEqual(1);
		// No series carries a raw path.
		const all = (await app.metrics.httpRequests.get()).values;
		expect(all.some((entry) => String(entry.labels.route).includes('no-such'))).toBe(false);
	});
});
