import { ApiError, call } from '../api.ts';
import * as exportsApi from '$lib/shared/api/exports.ts';
import type { Sent } from '$lib/shared/api/contract.ts';
import type { ExportInfo } from '$lib/shared/api/exports.schema.ts';

type CreateBody = Sent<typeof exportsApi.createExport, 'body'>;
type CreateSelfBody = Sent<typeof exportsApi.createSelfExport, 'body'>;

/** How often an export that is running is asked for its progress. */
const POLL_MS = 1000;

/**
 * The exports a person asked for, on the admin Exports tab or on Settings → Your data: new
 * ones are asked here, and while any is queued or running its progress is read again every
 * second (GET /api/exports/{id}) until it is done, when its answer carries the download link.
 */
export class ExportsState {
	list = $state<ExportInfo[]>([]);
	asking = $state(false);
	error = $state<string | null>(null);
	#timer: ReturnType<typeof setTimeout> | null = null;

	readonly active = $derived(
		this.list.filter((item) => item.status === 'queued' || item.status === 'running')
	);

	constructor(initial: ExportInfo[]) {
		this.list = initial;
	}

	/** Starts polling the ones that are not finished; call `stop` when the page goes. */
	start(): void {
		this.#schedule();
	}

	stop(): void {
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = null;
	}

	async create(body: CreateBody): Promise<ExportInfo | null> {
		return this.#ask(() => call(exportsApi.createExport, { body }));
	}

	async createSelf(body: CreateSelfBody): Promise<ExportInfo | null> {
		return this.#ask(() => call(exportsApi.createSelfExport, { body }));
	}

	async #ask(request: () => Promise<ExportInfo>): Promise<ExportInfo | null> {
		this.asking = true;
		this.error = null;
		try {
			const asked = await request();
			this.list = [asked, ...this.list];
			this.#schedule();
			return asked;
		} catch (caught) {
			this.error = caught instanceof ApiError ? caught.message : 'Something went wrong. Try again.';
			return null;
		} finally {
			this.asking = false;
		}
	}

	#schedule(): void {
		if (this.#timer || this.active.length === 0) return;
		this.#timer = setTimeout(() => {
			this.#timer = null;
			void this.#poll();
		}, POLL_MS);
	}

	async #poll(): Promise<void> {
		const fresh = await Promise.all(
			this.active.map((item) =>
				call(exportsApi.getExport, { params: { id: item.id } }).catch(() => item)
			)
		);
		this.list = this.list.map((item) => fresh.find((next) => next.id === item.id) ?? item);
		this.#schedule();
	}
}

/** "1,234 of 5,000 messages", or what the export is doing. */
export function progressText(item: ExportInfo): string {
	const count = (n: number) => n.toLocaleString('en-US');
	if (item.status === 'queued') return 'Waiting to start…';
	if (item.status === 'failed') return `Failed: ${item.error ?? 'unknown error'}`;
	if (item.status === 'done') {
		const files = item.files > 0 ? `, ${count(item.files)} files` : '';
		return `${count(item.doneMessages)} messages${files} · ${sizeText(item.bytes ?? 0)}`;
	}
	return item.totalMessages === null
		? 'Counting messages…'
		: `${count(item.doneMessages)} of ${count(item.totalMessages)} messages`;
}

/** The progress as a fraction from 0 to 1. */
export function progressOf(item: ExportInfo): number {
	if (item.status === 'done') return 1;
	if (!item.totalMessages) return 0;
	return Math.min(1, item.doneMessages / item.totalMessages);
}

export function sizeText(bytes: number): string {
	if (bytes < 1024) return `${bytes} B`;
	if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
	return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
