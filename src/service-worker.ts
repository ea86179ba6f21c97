/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
import { build, files, version } from '$service-worker';

/**
 * Offline shell: the app's code and assets are cached at install; pages, their data and the
 * read-only API answers a person has seen are kept network-first, so a reload with no network
 * opens the app where the person was. Conversations themselves come from IndexedDB.
 */
const sw = self as unknown as ServiceWorkerGlobalScope;
const ASSETS = `cf-assets-${version}`;
const PAGES = 'cf-pages';
const NETWORK_TIMEOUT_MS = 4000;
const assets = new Set([...build, ...files]);

sw.addEventListener('install', (event) => {
	event.waitUntil(
		caches
			.open(ASSETS)
			.then((cache) => cache.addAll([...assets]))
			.then(() => sw.skipWaiting())
	);
});

sw.addEventListener('activate', (event) => {
	event.waitUntil(
		(async () => {
			for (const key of await caches.keys()) {
				if (key.startsWith('cf-assets-') && key !== ASSETS) await caches.delete(key);
			}
			await sw.clients.claim();
		})()
	);
});

/** Sign-out: nothing of the person stays in this browser. */
sw.addEventListener('message', (event) => {
	if (event.data?.type === 'clear-personal-data') {
		event.waitUntil(caches.delete(PAGES));
	}
});

sw.addEventListener('fetch', (event) => {
	const request = event.request;
	if (request.method !== 'GET') return;
	const url = new URL(request.url);
	if (url.origin !== sw.location.origin || url.pathname.startsWith('/collab')) return;
	if (assets.has(url.pathname)) {
		event.respondWith(cacheFirst(request));
		return;
	}
	if (isCacheablePage(request, url)) event.respondWith(networkFirst(request));
});

function isCacheablePage(request: Request, url: URL): boolean {
	if (request.mode === 'navigate') return true;
	if (url.pathname.endsWith('/__data.json')) return true;
	// Read-only API answers the app shows offline: channels, people, the person themself.
	return /^\/api\/(channels|people|me|org-chart|structure)(\/|$)/.test(url.pathname);
}

async function cacheFirst(request: Request): Promise<Response> {
	const cached = await caches.match(request);
	return cached ?? fetch(request);
}

async function networkFirst(request: Request): Promise<Response> {
	const cache = await caches.open(PAGES);
	try {
		const response = await withTimeout(fetch(request), NETWORK_TIMEOUT_MS);
		// Only successful, personal answers are kept; redirects (e.g. to sign-in) are not.
		if (response.ok && response.type === 'basic') await cache.put(request, response.clone());
		return response;
	} catch {
		const cached = await cache.match(request, { ignoreVary: true });
		if (cached) return cached;
		if (request.mode === 'navigate') {
			const shell = await cache.match('/home');
			if (shell) return shell;
		}
		return new Response(
			JSON.stringify({ error: { code: 'OFFLINE', message: 'You are offline.' } }),
			{
				status: 503,
				headers: { 'content-type': 'application/json' }
			}
		);
	}
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error('timeout')), ms);
		promise.then(
			(value) => {
				clearTimeout(timer);
				resolve(value);
			},
			(error) => {
				clearTimeout(timer);
				reject(error);
			}
		);
	});
}
