import { chromium, type Page } from '@playwright/test';
import fs from 'node:fs';
import { SESSION_COOKIE, type Member } from './api.ts';

/**
 * Scenario 8: a real Chromium opens a long channel it has read before. The channel is opened
 * once (its head shard synced into the browser's local copy), then, several times each, the
 * person goes to Home and back by a link (client-side navigation) and reloads the channel's
 * page (a full navigation). Each time: from the navigation's start to the first message in the
 * list, in the page's own clock.
 */

export interface OpenTimes {
	/** The first opening, on a device that holds nothing: from the server. */
	firstMs: number;
	/** Home → the channel by its sidebar link. */
	clientNavMs: number[];
	/** Of each client-side navigation: when the page's data (`__data.json`) had arrived. */
	clientNavDataMs: number[];
	/** Full reloads of the channel's page: navigation start → first message. */
	reloadMs: number[];
	/** Of each reload: the HTML received, and the document parsed with its scripts run. */
	reloadHtmlMs: number[];
	reloadDomReadyMs: number[];
	/** Of each reload: when the page showed its placeholders (the app rendered, messages not yet). */
	reloadSkeletonMs: number[];
	/** Messages in the list's DOM after a reload (the list renders a window, not all). */
	renderedRows: number;
	/** Messages the page holds for the channel (its loaded shards). */
	messagesLoaded: number;
}

const CHROMIUM = '/usr/bin/chromium';

export async function measureChannelOpen(options: {
	baseUrl: string;
	member: Member;
	channelId: string;
	runs: number;
}): Promise<OpenTimes> {
	const { baseUrl, member, channelId, runs } = options;
	const browser = await chromium.launch({
		...(fs.existsSync(CHROMIUM) ? { executablePath: CHROMIUM } : {}),
		args: ['--disable-background-networking', '--disable-component-update', '--no-first-run']
	});
	try {
		const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
		await context.addCookies([
			{ name: SESSION_COOKIE, value: member.token, url: baseUrl, httpOnly: true }
		]);
		const page = await context.newPage();
		// From the document's start: when the first message entered the list (page clock, ms
		// since the navigation started).
		await page.addInitScript(() => {
			const win = window as unknown as {
				__firstMessageAt: number | null;
				__skeletonAt: number | null;
			};
			win.__firstMessageAt = null;
			win.__skeletonAt = null;
			const seen = () => {
				if (
					win.__skeletonAt === null &&
					document.querySelector('[data-testid="messages-loading"]')
				) {
					win.__skeletonAt = performance.now();
				}
				if (win.__firstMessageAt === null && document.querySelector('[data-testid="message"]')) {
					win.__firstMessageAt = performance.now();
				}
			};
			new MutationObserver(seen).observe(document, { childList: true, subtree: true });
		});
		const channelUrl = `${baseUrl}/c/${channelId}`;
		await page.goto(channelUrl);
		const firstMs = await firstMessageAt(page);
		// The local copy is written as the head syncs: let it settle before it is read back.
		await page.waitForTimeout(3_000);

		const clientNavMs: number[] = [];
		const clientNavDataMs: number[] = [];
		for (let run = 0; run < runs; run++) {
			await page.locator('a[href="/home"]').first().click();
			await page.waitForURL('**/home');
			await page.waitForTimeout(300);
			const [total, data] = await page.evaluate(
				(id) =>
					new Promise<[number, number]>((resolve, reject) => {
						const link = document.querySelector<HTMLAnchorElement>(
							`[data-testid="channel-link"][href$="/c/${id}"]`
						);
						if (!link) return reject(new Error('no sidebar link to the channel'));
						const started = performance.now();
						const found = () => document.querySelector('[data-testid="message"]');
						const observer = new MutationObserver(() => {
							if (found()) {
								observer.disconnect();
								const total = performance.now() - started;
								const data = performance
									.getEntriesByType('resource')
									.filter((e) => e.name.includes('__data.json') && e.startTime >= started)
									.map((e) => (e as PerformanceResourceTiming).responseEnd - started);
								resolve([total, data[0] ?? NaN]);
							}
						});
						observer.observe(document.body, { childList: true, subtree: true });
						link.click();
					}),
				channelId
			);
			clientNavMs.push(total);
			clientNavDataMs.push(data);
		}

		const reloadMs: number[] = [];
		const reloadHtmlMs: number[] = [];
		const reloadDomReadyMs: number[] = [];
		const reloadSkeletonMs: number[] = [];
		for (let run = 0; run < runs; run++) {
			await page.goto(channelUrl);
			reloadMs.push(await firstMessageAt(page));
			const [html, ready, skeleton] = await page.evaluate(() => {
				const entry = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
				const win = window as unknown as { __skeletonAt: number | null };
				return [entry.responseEnd, entry.domContentLoadedEventEnd, win.__skeletonAt ?? NaN];
			});
			reloadSkeletonMs.push(skeleton!);
			reloadHtmlMs.push(html!);
			reloadDomReadyMs.push(ready!);
			await page.waitForTimeout(500);
		}
		const renderedRows = await page.locator('[data-testid="message"]').count();
		await page.waitForTimeout(1_000);
		const messagesLoaded = await page.evaluate(() => {
			const last = [
				...document.querySelectorAll('[data-testid="message"] [data-testid="message-text"]')
			].at(-1);
			const number = /#(\d+)\)/.exec(last?.textContent ?? '');
			return number ? Number(number[1]) : 0;
		});
		await context.close();
		return {
			firstMs,
			clientNavMs,
			clientNavDataMs,
			reloadMs,
			reloadHtmlMs,
			reloadDomReadyMs,
			reloadSkeletonMs,
			renderedRows,
			messagesLoaded
		};
	} finally {
		await browser.close();
	}
}

async function firstMessageAt(page: Page): Promise<number> {
	const handle = await page.waitForFunction(
		() => (window as unknown as { __firstMessageAt: number | null }).__firstMessageAt,
		null,
		{ timeout: 60_000, polling: 50 }
	);
	return (await handle.jsonValue()) as number;
}

export function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	if (sorted.length === 0) return NaN;
	const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
	return sorted[Math.max(0, index)]!;
}
