import { describe, expect, it } from 'vitest';
import { ApiError } from '$lib/client/api.ts';
import type { UploadedFile } from '$lib/shared/files/files.schema.ts';
import type { UploadOptions } from './upload.ts';
import { AttachmentTray, type TrayDeps } from './attachment-tray.svelte.ts';

interface Pending {
	name: string;
	size: number;
	options: UploadOptions;
	resolve: (file: UploadedFile) => void;
	reject: (error: unknown) => void;
}

function harness(compress: TrayDeps['compress'] = async (file) => file, maxBytes = Infinity) {
	const uploads: Pending[] = [];
	const withdrawn: string[] = [];
	let next = 0;
	const tray = new AttachmentTray(() => 'channel-1', {
		upload: (_channel, file, name, options) =>
			new Promise((resolve, reject) => {
				uploads.push({ name, size: file.size, options, resolve, reject });
				options.signal?.addEventListener('abort', () =>
					reject(new DOMException('cancelled', 'AbortError'))
				);
			}),
		withdraw: async (id) => {
			withdrawn.push(id);
		},
		compress,
		objectUrl: () => null,
		revokeUrl: () => undefined,
		maxBytes: () => maxBytes
	});
	const answer = (pending: Pending): UploadedFile => ({
		id: `00000000-0000-4000-8000-00000000000${++next}`,
		name: pending.name,
		size: pending.size,
		mimeType: 'application/pdf',
		kind: 'file'
	});
	return { tray, uploads, withdrawn, answer };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const pdf = (name: string, size = 100) =>
	new File([new Uint8Array(size)], name, { type: 'application/pdf' });

describe('AttachmentTray', () => {
	it('refuses a file larger than the server takes before sending it, after compression', async () => {
		const halve: TrayDeps['compress'] = async (file) =>
			new File([new Uint8Array(file.size / 2)], file.name, { type: file.type });
		const { tray, uploads } = harness(halve, 1024 * 1024);
		const big = new File([new Uint8Array(3 * 1024 * 1024)], 'big.pdf', { type: 'application/pdf' });
		const photo = new File([new Uint8Array(1.5 * 1024 * 1024)], 'photo.jpg', {
			type: 'image/jpeg'
		});
		tray.add([big, photo]);
		await settle();
		expect(
			uploads.map((u) => u.name),
			'only the photo, smaller once compressed'
		).toEqual(['photo.jpg']);
		expect(tray.items[0]!.status).toBe('failed');
		expect(tray.items[0]!.offline).toBe(false);
		expect(tray.items[0]!.error).toBe(
			'big.pdf is larger than 1 MB, the largest file this server takes.'
		);
	});

	it('uploads each file at once, tracks its progress, and is ready when all are done', async () => {
		const { tray, uploads, answer } = harness();
		tray.add([pdf('a.pdf'), pdf('b.pdf')]);
		await settle();
		expect(
			uploads.map((u) => u.name),
			'both uploads started'
		).toEqual(['a.pdf', 'b.pdf']);
		expect(tray.ready).toBe(false);
		uploads[0]!.options.onProgress?.(50, 100);
		expect(tray.items[0]!.progress, 'half of a.pdf sent').toBe(0.5);
		uploads[0]!.resolve(answer(uploads[0]!));
		await settle();
		expect(tray.ready, 'b.pdf still uploading').toBe(false);
		uploads[1]!.resolve(answer(uploads[1]!));
		await settle();
		expect(tray.ready).toBe(true);
		expect(tray.attachments.map((a) => a.name)).toEqual(['a.pdf', 'b.pdf']);
	});

	it('takes at most 10 files and says how many were left out', () => {
		const { tray } = harness();
		tray.add(Array.from({ length: 12 }, (_, i) => pdf(`f${i}.pdf`)));
		expect(tray.count).toBe(10);
		expect(tray.notice).toBe('A message carries at most 10 files: 2 files were not added.');
	});

	it('cancelling aborts an upload, and withdraws one that finished', async () => {
		const { tray, uploads, withdrawn, answer } = harness();
		const [first, second] = tray.add([pdf('a.pdf'), pdf('b.pdf')]);
		await settle();
		tray.remove(first!);
		expect(uploads[0]!.options.signal?.aborted, 'the upload was aborted').toBe(true);
		const done = answer(uploads[1]!);
		uploads[1]!.resolve(done);
		await settle();
		tray.remove(second!);
		expect(withdrawn, 'the finished file is withdrawn').toEqual([done.id]);
		expect(tray.count).toBe(0);
	});

	it('a refused file shows the server’s message and can be retried', async () => {
		const { tray, uploads, answer } = harness();
		const [item] = tray.add([pdf('invoice.pdf')]);
		await settle();
		uploads[0]!.reject(
			new ApiError(
				'UNSUPPORTED_FILE_TYPE',
				'invoice.pdf was not accepted: its content is EXE.',
				415
			)
		);
		await settle();
		expect(item!.status).toBe('failed');
		expect(item!.error).toBe('invoice.pdf was not accepted: its content is EXE.');
		expect(tray.failed).toHaveLength(1);
		tray.retry(item!);
		await settle();
		expect(uploads, 'a second upload started').toHaveLength(2);
		uploads[1]!.resolve(answer(uploads[1]!));
		await settle();
		expect(item!.status).toBe('done');
		expect(item!.error).toBeNull();
	});

	it('a compressed image may go as the original instead', async () => {
		const smaller = new File([new Uint8Array(10)], 'photo.jpg', { type: 'image/jpeg' });
		const { tray, uploads, withdrawn, answer } = harness(async () => smaller);
		const big = new File([new Uint8Array(5000)], 'photo.jpg', { type: 'image/jpeg' });
		const [item] = tray.add([big]);
		await settle();
		expect(uploads[0]!.size, 'the smaller bytes go first').toBe(10);
		const first = answer(uploads[0]!);
		uploads[0]!.resolve(first);
		await settle();
		tray.setSendOriginal(item!, true);
		await settle();
		expect(withdrawn, 'the compressed upload is withdrawn').toEqual([first.id]);
		expect(uploads[1]!.size, 'then the original bytes').toBe(5000);
	});

	it('clear keeps the files on the server (the message carries them)', async () => {
		const { tray, uploads, withdrawn, answer } = harness();
		tray.add([pdf('a.pdf')]);
		await settle();
		uploads[0]!.resolve(answer(uploads[0]!));
		await settle();
		tray.clear();
		expect(withdrawn).toEqual([]);
		expect(tray.count).toBe(0);
	});
});
