import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { Metrics } from './metrics.ts';
import type { Readiness } from './readiness.ts';

export const OPS_PATHS = ['/healthz', '/readyz', '/metrics'] as const;

/**
 * The operator's endpoints, answered by the process entry before SvelteKit (server/main.ts), so
 * that they stay cheap, need no session and keep answering while the app drains:
 *
 * - `GET /healthz`: 200 while the process runs (liveness).
 * - `GET /readyz`: 200 when started, not draining and every dependency answers; 503 otherwise,
 *   with the state and each check as JSON (readiness.ts).
 * - `GET /metrics`: Prometheus text, only with `Authorization: Bearer <METRICS_TOKEN>`; 404 when
 *   no token is configured (the endpoint does not exist), 401 for a missing or wrong token.
 *
 * Returns false for any other path: the request is not ours.
 */
export function handleOpsRequest(
	parts: { readiness: Readiness; metrics: Metrics; metricsToken: string | undefined },
	request: IncomingMessage,
	response: ServerResponse
): boolean {
	const path = (request.url ?? '/').split('?', 1)[0];
	if (!(OPS_PATHS as readonly string[]).includes(path!)) return false;
	if (request.method !== 'GET' && request.method !== 'HEAD') {
		json(response, 405, { error: { code: 'BAD_REQUEST', message: 'Only GET is supported.' } });
		return true;
	}
	if (path === '/healthz') {
		json(response, 200, { status: 'ok' });
	} else if (path === '/readyz') {
		parts.readiness.report().then(
			(report) => json(response, report.ready ? 200 : 503, report),
			() => json(response, 503, { ready: false })
		);
	} else {
		const token = parts.metricsToken;
		if (!token) {
			json(response, 404, { error: { code: 'NOT_FOUND', message: 'Not found.' } });
		} else if (!bearerMatches(request.headers.authorization, token)) {
			response.setHeader('www-authenticate', 'Bearer');
			json(response, 401, {
				error: { code: 'UNAUTHENTICATED', message: 'A valid metrics token is required.' }
			});
		} else {
			parts.metrics.exposition().then(
				({ body, contentType }) => {
					response.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
					response.end(body);
				},
				() => json(response, 500, { error: { code: 'INTERNAL', message: 'Metrics failed.' } })
			);
		}
	}
	return true;
}

function bearerMatches(header: string | undefined, token: string): boolean {
	const match = /^Bearer (.+)$/i.exec(header ?? '');
	if (!match) return false;
	const given = Buffer.from(match[1]!.trim());
	const expected = Buffer.from(token);
	return given.length === expected.length && timingSafeEqual(given, expected);
}

function json(response: ServerResponse, status: number, body: unknown): void {
	response.writeHead(status, {
		'content-type': 'application/json',
		'cache-control': 'no-store'
	});
	response.end(JSON.stringify(body));
}
