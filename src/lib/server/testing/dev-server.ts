import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer } from 'vite';

export interface DevServer {
	/** http://127.0.0.1:<port> */
	origin: string;
	close(): Promise<void>;
}

/**
 * The SvelteKit app (router, hooks, endpoints) served over real HTTP on a free loopback port by
 * Vite's dev server, in this process: the app uses whatever context the test installed with
 * `installAppContext` (install it first, or the app opens its default database). No build needed.
 */
export async function startDevServer(): Promise<DevServer> {
	const vite = await createServer({
		configFile: 'vite.config.ts',
		server: { middlewareMode: true, hmr: false, ws: false, watch: null },
		appType: 'custom',
		// Only server code runs here: no browser dependencies to discover and pre-bundle.
		optimizeDeps: { noDiscovery: true, include: [] },
		logLevel: 'warn'
	});
	const server = http.createServer(vite.middlewares);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		origin: `http://127.0.0.1:${port}`,
		async close() {
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
			await vite.close();
		}
	};
}
