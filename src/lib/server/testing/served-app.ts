import { installAppContext } from '../app-context.ts';
import { SESSION_COOKIE } from '../auth/session-token.ts';
import { startDevServer, type DevServer } from './dev-server.ts';
import { openForSuite } from './suite.ts';
import { createTestApp, type SignedInPerson, type TestApp } from './test-app.ts';
import type { DatabaseKind } from './test-database.ts';

/**
 * A test app served over real HTTP through SvelteKit's router, hooks and endpoints (see
 * startDevServer), for the suite this is called in. The app is installed as the app's context
 * before the server starts, so the server never opens a database of its own. As with
 * openForSuite, both objects are the same throughout, so a suite names them from the start.
 */
/**
 * A JSON request to the served app as a browser on its origin sends it, signed in as `person`
 * (signed out with null): the answer's status and JSON body.
 */
export type SendAs = (
	person: SignedInPerson | null,
	method: string,
	path: string,
	body?: unknown
) => Promise<{ status: number; body: Record<string, unknown> }>;

export function useServedApp(
	kind: DatabaseKind,
	env?: Record<string, string>
): { app: TestApp; server: DevServer; send: SendAs } {
	const served = { app: {} as TestApp, server: {} as DevServer };
	openForSuite(async () => {
		Object.assign(served.app, await createTestApp(kind, undefined, { env }));
		installAppContext(served.app);
		Object.assign(served.server, await startDevServer());
		return {
			async close() {
				await served.server.close?.();
				await served.app.close?.();
			}
		};
	}, 120_000);
	const send: SendAs = async (person, method, path, body) => {
		const { server } = served;
		const response = await fetch(`${server.origin}${path}`, {
			method,
			headers: {
				...(person ? { cookie: `${SESSION_COOKIE}=${person.token}` } : {}),
				...(body === undefined ? {} : { 'content-type': 'application/json' }),
				origin: server.origin
			},
			body: body === undefined ? undefined : JSON.stringify(body)
		});
		return { status: response.status, body: (await response.json()) as Record<string, unknown> };
	};
	return { ...served, send };
}
