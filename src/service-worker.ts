/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
import { build, files, version } from '$service-worker';
import { apiContracts } from '$lib/shared/api/catalog.ts';
import { offlineReads } from '$lib/shared/api/contract.ts';
import { assetPlan, isEmojiFontFile } from '$lib/shared/offline/asset-plan.ts';
import {
	notificationTarget,
	parsePushPayload,
	type OpenFromNotification
} from '$lib/shared/push/payload.ts';

/**
 * The offline shell of ConnectFlow. After one visit the app opens with no network at all, on
 * the page the person was on:
 *
 * - The app's code and assets, and an app shell (`/offline`, a page rendered without server
 *   data), are cached at install, per version.
 * - A navigation goes to the network; when that fails the shell is served, whatever the URL,
 *   and the app starts client-side there.
 * - Page data (`__data.json`) goes to the network too, and every answer is kept: the layouts'
 *   data (the person, the sidebar's channel list) once, each page's own data (a channel with
 *   its members) per page. Offline, the answer is put together from what was kept; a page
 *   never opened on this device answers "not available offline" inside the app's layout.
 * - Read-only API answers the app shows (channels, people, the person) are network-first too.
 * - Conversations themselves come from IndexedDB (y-indexeddb), not from here.
 *
 * Sign-out posts `clear-personal-data`: every cached page and API answer goes.
 */
const sw = self as unknown as ServiceWorkerGlobalScope;
const ASSETS = `cf-assets-${version}`;
const PAGES = 'cf-pages';
const SHELL = '/offline';
const NETWORK_TIMEOUT_MS = 10_000;
/** A page's data is fetched again by a warm-up at most this often. */
const WARM_AGAIN_MS = 10 * 60_000;
/**
 * The app's files. The install keeps all but the emoji font; the font's files (Noto Color Emoji
 * split by Unicode range, about 7.6 MB in all) are kept when first used and filled in after a
 * visit unless the device saves data (`assetPlan`), so that emoji show and the picker opens
 * offline even when they were never used online. Names carry a content hash, so a new version
 * takes unchanged files from the browser's HTTP cache instead of the network.
 */
const assets = new Set([...build, ...files]);
const plan = assetPlan(assets);

/** Pages of the signed-in app: their first two data nodes are the root and app layouts. */
const APP_PATH = /^\/(home|c|directory|settings|org-chart|admin|broadcasts)(\/|$)/;
/** The API's offline reads, as the shared contract marks them. */
const isOfflineRead = offlineReads(apiContracts);
const DATA_SUFFIX = '/__data.json';
const OFFLINE_HEADER = 'x-connectflow-offline';
/** Where the kept data nodes live in the PAGES cache. */
const LAYOUT_KEY = (index: number) => `/__cf/layout/${index}`;
const PAGE_KEY = (path: string) => `/__cf/page${path}`;

type DataNode =
	| { type: 'data'; data: unknown; uses?: unknown; slash?: unknown }
	| { type: 'skip' }
	| { type: 'error'; error: { code: string; message: string }; status?: number }
	| null;

interface DataResponse {
	type: 'data';
	nodes: DataNode[];
}

sw.addEventListener('install', (event) => {
	event.waitUntil(
		(async () => {
			const cache = await caches.open(ASSETS);
			await cache.addAll(plan.atInstall);
			// The shell has no personal data (no load function runs for it).
			try {
				const shell = await fetch(SHELL, { credentials: 'same-origin' });
				if (shell.ok) await cache.put(SHELL, await anywhereShell(shell));
			} catch {
				// Installed while offline: the next version's install will try again.
			}
			await sw.skipWaiting();
		})()
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

sw.addEventListener('message', (event) => {
	const message = event.data as { type?: string; paths?: unknown } | null;
	if (message?.type === 'clear-personal-data') {
		// Sign-out: nothing of the person stays in this browser.
		warmed.clear();
		event.waitUntil(
			caches.delete(PAGES).then(() => {
				event.ports[0]?.postMessage('cleared');
			})
		);
	} else if (message?.type === 'warm' && Array.isArray(message.paths)) {
		event.waitUntil(
			Promise.all([
				warm(message.paths.filter((p): p is string => typeof p === 'string')),
				keepEmojiFont()
			])
		);
	}
});

sw.addEventListener('fetch', (event) => {
	const request = event.request;
	const url = new URL(request.url);
	if (url.origin !== sw.location.origin || url.pathname.startsWith('/collab')) return;
	if (request.method === 'HEAD' && assets.has(url.pathname)) {
		// The emoji picker asks for its data's ETag with HEAD before using its IndexedDB copy.
		event.respondWith(headFromCache(request));
		return;
	}
	if (request.method !== 'GET') return;
	if (assets.has(url.pathname)) {
		event.respondWith(cacheFirst(request));
	} else if (request.mode === 'navigate') {
		event.respondWith(navigation(request));
	} else if (url.pathname.endsWith(DATA_SUFFIX)) {
		event.respondWith(pageData(request, url));
	} else if (request.method === 'GET' && isOfflineRead(url.pathname)) {
		event.respondWith(networkFirst(request));
	}
});

/**
 * Web Push (sent by src/lib/server/push/push.service.ts). One notification per conversation:
 * its tag names the conversation, so a newer one replaces the shown one; a 'close' message
 * (read on another device) closes it. Anything else is ignored.
 */
sw.addEventListener('push', (event) => {
	let data: unknown;
	try {
		data = event.data?.json();
	} catch {
		return;
	}
	const payload = parsePushPayload(data);
	if (!payload) return;
	if (payload.type === 'close') {
		event.waitUntil(
			sw.registration.getNotifications({ tag: payload.tag }).then((shown) => {
				for (const notification of shown) notification.close();
			})
		);
		return;
	}
	event.waitUntil(
		sw.registration.showNotification(payload.title, {
			body: payload.body,
			tag: payload.tag,
			icon: payload.icon,
			data: { url: payload.url },
			// The replacing notification is announced again (sound, vibration) like a new one.
			renotify: true
		} as NotificationOptions)
	);
});

/**
 * A click opens the message: in an open window of the app when there is one (focused, and
 * asked to go there without reloading), in a new window otherwise.
 */
sw.addEventListener('notificationclick', (event) => {
	event.notification.close();
	const url = notificationTarget(
		(event.notification.data as { url?: unknown } | null)?.url,
		sw.location.origin
	);
	event.waitUntil(openFromNotification(url));
});

async function openFromNotification(url: string): Promise<void> {
	const windows = await sw.clients.matchAll({ type: 'window', includeUncontrolled: true });
	const open = windows.find((client) => new URL(client.url).origin === sw.location.origin);
	if (open) {
		const focused = await open.focus().catch(() => open);
		const message: OpenFromNotification = { type: 'open-notification', url };
		focused.postMessage(message);
		return;
	}
	await sw.clients.openWindow(url);
}

/**
 * The shell is rendered for `/offline`, with paths relative to it ("./_app/…", and a base
 * computed from the page's address). It is served at any address, so its paths are made
 * absolute: the app lives at the root of its origin.
 */
async function anywhereShell(response: Response): Promise<Response> {
	const html = (await response.text())
		.replace(/(["'])\.\//g, '$1/')
		.replace(/new URL\((["'])\.\1, location\)\.pathname\.slice\(0, -1\)/g, '""');
	const headers = new Headers(response.headers);
	headers.delete('content-length');
	headers.delete('content-encoding');
	// Preload hints are relative to /offline too; the page's own tags preload the same files.
	headers.delete('link');
	return new Response(html, { status: 200, headers });
}

async function cacheFirst(request: Request): Promise<Response> {
	const cached = await caches.match(request);
	if (cached) return cached;
	const response = await fetch(request);
	if (response.ok && isEmojiFontFile(new URL(request.url).pathname)) {
		// A font range used for the first time: kept, so that it draws offline from now on.
		const copy = response.clone();
		void caches.open(ASSETS).then((cache) => cache.put(request, copy));
	}
	return response;
}

let keepingEmojiFont: Promise<void> | undefined;

/**
 * After a visit, the emoji font's files not kept yet, one after the other in the background; not
 * when the device asks to save data (each range then comes when first drawn). A failure leaves
 * the rest for the next visit.
 */
function keepEmojiFont(): Promise<void> {
	const connection = (sw.navigator as { connection?: { saveData?: boolean } }).connection;
	if (connection?.saveData) return Promise.resolve();
	keepingEmojiFont ??= (async () => {
		const cache = await caches.open(ASSETS);
		for (const path of plan.afterVisit) {
			if (await cache.match(path)) continue;
			try {
				await cache.add(path);
			} catch {
				return;
			}
		}
	})().finally(() => {
		keepingEmojiFont = undefined;
	});
	return keepingEmojiFont;
}

async function headFromCache(request: Request): Promise<Response> {
	const cached = await caches.match(request.url);
	if (!cached) return fetch(request);
	return new Response(null, { status: cached.status, headers: cached.headers });
}

async function navigation(request: Request): Promise<Response> {
	try {
		return await withTimeout(fetch(request), NETWORK_TIMEOUT_MS);
	} catch {
		const shell = await caches.match(SHELL);
		if (shell) return shell;
		return new Response(
			'<!doctype html><meta charset="utf-8"><title>ConnectFlow</title><p>You are offline.</p>',
			{
				status: 503,
				headers: {
					'content-type': 'text/html; charset=utf-8',
					// A page without script or style of its own: it needs nothing.
					'content-security-policy': "default-src 'none'; frame-ancestors 'none'"
				}
			}
		);
	}
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
		if (cached) return marked(cached);
		return json(503, { error: { code: 'OFFLINE', message: 'You are offline.' } });
	}
}

/** The path of the page a `__data.json` request is for. */
function pagePath(url: URL): string {
	return url.pathname.slice(0, -DATA_SUFFIX.length) || '/';
}

async function pageData(request: Request, url: URL): Promise<Response> {
	const path = pagePath(url);
	try {
		const response = await withTimeout(fetch(request), NETWORK_TIMEOUT_MS);
		if (response.ok && response.type === 'basic') await keep(path, response.clone());
		return response;
	} catch {
		return offlineData(path);
	}
}

/** Keeps the data nodes of an answer: the layouts' for every page, the rest for this page. */
async function keep(path: string, response: Response): Promise<void> {
	let body: DataResponse;
	try {
		const lines = (await response.text()).split('\n').filter((line) => line.trim() !== '');
		// Streamed answers (promises resolved later) are not kept.
		if (lines.length !== 1) return;
		body = JSON.parse(lines[0]!) as DataResponse;
	} catch {
		return;
	}
	if (body.type !== 'data' || !Array.isArray(body.nodes)) return;
	const cache = await caches.open(PAGES);
	const app = APP_PATH.test(path);
	const layouts = app ? 2 : 1;
	for (let index = 0; index < Math.min(layouts, body.nodes.length); index++) {
		const node = body.nodes[index];
		if (node?.type === 'data') await cache.put(LAYOUT_KEY(index), json(200, node));
	}
	const own = body.nodes.slice(layouts);
	if (own.length === 0) return;
	const previous = await readJson<{ nodes: DataNode[] }>(cache, PAGE_KEY(path));
	const merged = own.map((node, index) =>
		node?.type === 'skip' ? (previous?.nodes[index] ?? null) : node
	);
	if (merged.some((node) => node?.type === 'error')) {
		// The page is gone (no access any more): it is not shown offline either.
		await cache.delete(PAGE_KEY(path));
		return;
	}
	await cache.put(PAGE_KEY(path), json(200, { nodes: merged, at: Date.now() }));
}

/** An answer put together from what was kept; a page never kept answers "not offline". */
async function offlineData(path: string): Promise<Response> {
	const cache = await caches.open(PAGES);
	const app = APP_PATH.test(path);
	const nodes: DataNode[] = [];
	const root = await readJson<DataNode>(cache, LAYOUT_KEY(0));
	// Without anything kept, the root layout says "nobody signed in" so an error page can show.
	nodes.push(root ?? { type: 'data', data: [{ user: 1 }, null], uses: {} });
	if (app) {
		const layout = await readJson<DataNode>(cache, LAYOUT_KEY(1));
		if (!layout) return dataResponse([...nodes, unavailable()]);
		nodes.push(layout);
	}
	const page = await readJson<{ nodes: DataNode[] }>(cache, PAGE_KEY(path));
	if (!page || page.nodes.length === 0) return dataResponse([...nodes, unavailable()]);
	return dataResponse([...nodes, ...page.nodes]);
}

function unavailable(): DataNode {
	return {
		type: 'error',
		status: 503,
		error: {
			code: 'OFFLINE',
			message:
				'You are offline, and this page has not been opened on this device yet. It will load when the connection returns.'
		}
	};
}

const warmed = new Map<string, number>();

/** Fetches and keeps the data of pages the person may open offline (one after the other). */
async function warm(paths: string[]): Promise<void> {
	for (const path of paths.slice(0, 60)) {
		if (!path.startsWith('/') || Date.now() - (warmed.get(path) ?? 0) < WARM_AGAIN_MS) continue;
		warmed.set(path, Date.now());
		try {
			const response = await withTimeout(
				fetch(`${path === '/' ? '' : path}${DATA_SUFFIX}`, { credentials: 'same-origin' }),
				NETWORK_TIMEOUT_MS * 2
			);
			if (response.ok && response.type === 'basic') await keep(path, response);
		} catch {
			warmed.delete(path);
			return;
		}
	}
}

async function readJson<T>(cache: Cache, key: string): Promise<T | null> {
	const response = await cache.match(key);
	if (!response) return null;
	try {
		return (await response.json()) as T;
	} catch {
		return null;
	}
}

/** An answer from the cache says so (the app does not take it as news from the server). */
function marked(response: Response): Response {
	const headers = new Headers(response.headers);
	headers.set(OFFLINE_HEADER, '1');
	return new Response(response.body, { status: response.status, headers });
}

function dataResponse(nodes: DataNode[]): Response {
	return new Response(`${JSON.stringify({ type: 'data', nodes })}\n`, {
		status: 200,
		headers: { 'content-type': 'application/json', [OFFLINE_HEADER]: '1' }
	});
}

function json(status: number, body: unknown): Response {
	return new Response(JSON.stringify(body), {
		status,
		headers: { 'content-type': 'application/json' }
	});
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
