import { installAppContext } from '../app-context.ts';
import { startDevServer, type DevServer } from './dev-server.ts';
import { openForSuite } from './suite.ts';
import { createTestApp, type TestApp } from './test-app.ts';
import type { DatabaseKind } from './test-database.ts';

/**
 * A test app served over real HTTP through SvelteKit's router, hooks and endpoints (see
 * startDevServer), for the suite this is called in. The app is installed as the app's context
 * before the server starts, so the server never opens a database of its own. As with
 * openForSuite, both objects are the same throughout, so a suite names them from the start.
 */
export function useServedApp(
	kind: DatabaseKind,
	env?: Record<string, string>
): { app: TestApp; server: DevServer } {
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
	return served;
}
