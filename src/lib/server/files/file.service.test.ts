import fs from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useServedApp } from '../testing/served-app.ts';
import { SESSION_COOKIE } from '../auth/session-token.ts';
import { type SignedInPerson } from '../testing/test-app.ts';
import { availableDatabaseKinds } from '../testing/test-database.ts';
import { META_SUFFIX } from '../storage/common.ts';
import * as samples from './testing/samples.ts';
import { spoolFolder } from './upload-spool.ts';
import { decodeWaveform, encodeWaveform } from '#shared/files/files.schema.ts';

/**
 * Files over real HTTP, through SvelteKit's router, hooks and the endpoints, as the browser sends
 * them: raw bytes as the body, the name in the query. Every refusal is a JSON error with a stable
 * code, and a refused file leaves nothing behind, neither a record nor bytes in the storage.
 */
const kind = (await availableDatabaseKinds()).at(-1)!;

/** An upload's answer: the file, or the error. */
interface Answer {
	id: string;
	kind: string;
	width?: number;
	height?: number;
	error: { code: string; message: string };
}

describe(`files of conversations over HTTP (${kind})`, () => {
	const { app, server } = useServedApp(kind);
	let ada: SignedInPerson;
	let bruno: SignedInPerson;
	let outsider: SignedInPerson;
	let groupId: string;
	let announcementsId: string;

	beforeAll(async () => {
		const org = await app.createOrganization('Files Inc');
		ada = { user: org.admin, token: org.token };
		bruno = await app.join(org.joinCode, 'Bruno Baker');
		outsider = await app.join(org.joinCode, 'Olga Outsider');
		groupId = (await app.createPrivateGroup(org.admin, 'Design', [bruno.user.id])).id;
		announcementsId = (await app.channels.list(org.admin)).find(
			(channel) => channel.kind === 'announcements'
		)!.id;
	});

	const cookie = (person: SignedInPerson | null): Record<string, string> =>
		person ? { cookie: `${SESSION_COOKIE}=${person.token}` } : {};

	async function upload(
		person: SignedInPerson | null,
		bytes: Uint8Array,
		name: string,
		options: { channelId?: string; voiceMs?: number; waveform?: string } = {}
	) {
		const query = new URLSearchParams({ name });
		if (options.voiceMs) {
			query.set('voice', 'true');
			query.set('durationMs', String(options.voiceMs));
			if (options.waveform) query.set('waveform', options.waveform);
		}
		const response = await fetch(
			`${server.origin}/api/channels/${options.channelId ?? groupId}/files?${query}`,
			{
				method: 'POST',
				headers: { 'content-type': 'application/octet-stream', ...cookie(person) },
				body: bytes.slice()
			}
		);
		return { status: response.status, body: (await response.json()) as Answer };
	}

	const download = (person: SignedInPerson | null, id: string) =>
		fetch(`${server.origin}/api/files/${id}`, { headers: cookie(person) });

	/** Everything that shows a file was kept: records, and bytes under the conversation. */
	async function kept() {
		const [row] = await app.database.sql<{ count: number }[]>`
			select count(*)::int as count from files where channel_id = ${groupId}`;
		const folder = path.join(app.config.filesDir, 'files', ada.user.orgId, groupId);
		const blobs = await fs.readdir(folder).catch(() => []);
		// Nor anything left in the folder where uploads wait while they are checked.
		const spooled = await fs.readdir(spoolFolder()).catch(() => []);
		return {
			records: row!.count,
			spooled: spooled.length,
			blobs: blobs.filter((name) => !name.endsWith(META_SUFFIX)).length
		};
	}

	it('stores a document for the conversation and gives it only to its members', async () => {
		const before = await kept();
		const sent = await upload(ada, samples.pdf, 'Quarterly report.pdf');
		expect(sent.status, JSON.stringify(sent.body)).toBe(201);
		expect(sent.body).toMatchObject({
			name: 'Quarterly report.pdf',
			mimeType: 'application/pdf',
			kind: 'file',
			size: samples.pdf.byteLength
		});
		expect(await kept()).toEqual({
			...before,
			records: before.records + 1,
			blobs: before.blobs + 1
		});

		const got = await download(bruno, sent.body.id);
		expect(got.status).toBe(200);
		expect(new Uint8Array(await got.arrayBuffer())).toEqual(samples.pdf);
		expect(got.headers.get('content-disposition')).toMatch(/^attachment;/);
		expect(got.headers.get('x-content-type-options')).toBe('nosniff');

		// Not a member, signed out: the file does not exist for them.
		expect((await download(outsider, sent.body.id)).status).toBe(404);
		expect((await download(null, sent.body.id)).status).toBe(401);
	});

	it('takes files away from someone removed from the conversation', async () => {
		const room = await app.createPrivateGroup(ada.user, 'Short-lived', [outsider.user.id]);
		const sent = await upload(ada, samples.png, 'diagram.png', { channelId: room.id });
		expect(sent.body.kind).toBe('image');
		expect((await download(outsider, sent.body.id)).status).toBe(200);
		await app.channels.removeMember(ada.user, room.id, outsider.user.id);
		expect((await download(outsider, sent.body.id)).status).toBe(404);
	});

	it('refuses each bad file with a clear error naming it, and keeps nothing', async () => {
		const before = await kept();
		const eleven = samples.largePdf(11 * 1024 * 1024);
		const cases = [
			{
				what: 'an executable renamed .pdf',
				sent: await upload(ada, samples.executable, 'invoice.pdf')
			},
			{ what: 'HTML renamed .png', sent: await upload(ada, samples.html, 'cat.png') },
			{ what: 'an 11 MB file', sent: await upload(ada, eleven, 'big.pdf') },
			{ what: 'a 0-byte file', sent: await upload(ada, new Uint8Array(), 'empty.txt') },
			{
				what: 'a voice message claiming 2 s with 5 MB',
				sent: await upload(ada, samples.webm(5 * 1024 * 1024), 'voice.webm', { voiceMs: 2_000 })
			}
		];
		expect(cases.map(({ what, sent }) => [what, sent.status, sent.body.error?.code])).toEqual([
			['an executable renamed .pdf', 415, 'UNSUPPORTED_FILE_TYPE'],
			['HTML renamed .png', 415, 'UNSUPPORTED_FILE_TYPE'],
			['an 11 MB file', 413, 'PAYLOAD_TOO_LARGE'],
			['a 0-byte file', 415, 'UNSUPPORTED_FILE_TYPE'],
			['a voice message claiming 2 s with 5 MB', 415, 'UNSUPPORTED_FILE_TYPE']
		]);
		expect(cases[0]!.sent.body.error.message).toBe(
			'invoice.pdf was not accepted: its content is EXE, which is not accepted.'
		);
		expect(cases[2]!.sent.body.error.message).toBe('big.pdf is larger than 10 MB.');
		expect(await kept()).toEqual(before);
	});

	it('lets only people who may post there upload, and only the uploader withdraw', async () => {
		const outside = await upload(outsider, samples.pdf, 'x.pdf');
		expect([outside.status, outside.body.error.code]).toEqual([404, 'NOT_FOUND']);
		const readOnly = await upload(bruno, samples.pdf, 'x.pdf', { channelId: announcementsId });
		expect([readOnly.status, readOnly.body.error.code]).toEqual([403, 'FORBIDDEN']);
		const anonymous = await upload(null, samples.pdf, 'x.pdf');
		expect(anonymous.status).toBe(401);

		const before = await kept();
		const sent = await upload(bruno, samples.pdf, 'draft.pdf');
		const byOther = await fetch(`${server.origin}/api/files/${sent.body.id}`, {
			method: 'DELETE',
			headers: cookie(ada)
		});
		expect(byOther.status).toBe(403);
		const withdrawn = await fetch(`${server.origin}/api/files/${sent.body.id}`, {
			method: 'DELETE',
			headers: cookie(bruno)
		});
		expect(withdrawn.status).toBe(200);
		expect(await kept()).toEqual(before);
		expect((await download(bruno, sent.body.id)).status).toBe(404);
	});

	it('turns a photo upright, strips where it was taken, and makes its thumbnail and preview', async () => {
		const { default: sharp } = await import('sharp');
		const sent = await upload(ada, await samples.phonePhoto(), 'IMG_0042.jpg');
		expect(sent.status, JSON.stringify(sent.body)).toBe(201);
		// Stored 300 × 200 sideways with orientation 6: upright it is 200 × 300.
		expect(sent.body).toMatchObject({
			kind: 'image',
			mimeType: 'image/jpeg',
			width: 200,
			height: 300
		});
		const original = await download(bruno, sent.body.id);
		const meta = await sharp(new Uint8Array(await original.arrayBuffer())).metadata();
		expect({ width: meta.width, height: meta.height, exif: meta.exif ?? null }).toEqual({
			width: 200,
			height: 300,
			exif: null
		});

		for (const size of ['thumbnail', 'preview']) {
			const shown = await fetch(`${server.origin}/api/files/${sent.body.id}/${size}`, {
				headers: cookie(bruno)
			});
			expect([size, shown.status, shown.headers.get('content-type')]).toEqual([
				size,
				200,
				'image/webp'
			]);
			expect(shown.headers.get('content-disposition')).toMatch(/^inline;/);
			const preview = await sharp(new Uint8Array(await shown.arrayBuffer())).metadata();
			expect([preview.width, preview.height]).toEqual([200, 300]);
			const outside = await fetch(`${server.origin}/api/files/${sent.body.id}/${size}`, {
				headers: cookie(outsider)
			});
			expect(outside.status).toBe(404);
		}
	});

	it('keeps files and previews encrypted on disk under random keys, readable only through the checked handler', async () => {
		const sent = await upload(ada, await samples.phonePhoto(), 'IMG_0043.jpg');
		expect(sent.status, JSON.stringify(sent.body)).toBe(201);
		const [row] = await app.database.sql<{ storageKey: string }[]>`
			select storage_key as "storageKey" from files where id = ${sent.body.id}`;
		// Nothing in the key can be guessed from the file, its name or its neighbours.
		expect(row!.storageKey).toMatch(
			new RegExp(
				`^files/${ada.user.orgId}/${groupId}/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`
			)
		);
		const served = new Uint8Array(await (await download(bruno, sent.body.id)).arrayBuffer());
		for (const suffix of ['', '.thumbnail', '.preview']) {
			const onDisk = await fs.readFile(path.join(app.config.filesDir, row!.storageKey + suffix));
			expect(onDisk.subarray(0, 5).toString('latin1'), suffix).toBe('CFENC');
			// No JPEG or WebP signature, and none of the served bytes, on disk.
			expect(onDisk.includes(Buffer.from([0xff, 0xd8, 0xff])), suffix).toBe(false);
			expect(onDisk.includes(Buffer.from('WEBP')), suffix).toBe(false);
		}
		expect(
			(await fs.readFile(path.join(app.config.filesDir, row!.storageKey))).includes(
				Buffer.from(served.subarray(100, 132))
			)
		).toBe(false);
		// The data folder is not served: its path answers no bytes, with or without a session.
		for (const guess of [
			`/${row!.storageKey}`,
			`/files/${row!.storageKey}`,
			`/data/files/${row!.storageKey}`,
			`/api/files/${row!.storageKey}`
		]) {
			const response = await fetch(`${server.origin}${guess}`, { headers: cookie(bruno) });
			expect([guess, response.status]).toEqual([guess, 404]);
		}
	});

	it('keeps an upright photo’s picture byte for byte, without where it was taken', async () => {
		const { default: sharp } = await import('sharp');
		const photo = await samples.phonePhoto(1);
		expect((await sharp(photo).metadata()).exif, 'the sample has EXIF').toBeDefined();
		const sent = await upload(ada, photo, 'upright.jpg');
		expect(sent.body).toMatchObject({ kind: 'image', width: 300, height: 200 });
		const stored = new Uint8Array(await (await download(bruno, sent.body.id)).arrayBuffer());
		expect((await sharp(stored).metadata()).exif ?? null).toBeNull();
		// The compressed picture (from the start of scan on) is the same bytes.
		const scan = (bytes: Uint8Array) => {
			for (let i = 2; i < bytes.length - 1; i++) {
				if (bytes[i] === 0xff && bytes[i + 1] === 0xda) return Buffer.from(bytes.subarray(i));
			}
			return Buffer.alloc(0);
		};
		expect(scan(stored).equals(scan(photo)), 'same picture bytes').toBe(true);
		expect(stored.byteLength).toBeLessThan(photo.byteLength);
	});

	it('refuses a damaged image and a decompression bomb, and keeps nothing', async () => {
		const before = await kept();
		const damaged = await upload(ada, await samples.truncatedJpeg(), 'cut.jpg');
		const bomb = await upload(ada, samples.pixelBomb(), 'huge.png');
		expect([damaged.status, damaged.body.error.message]).toEqual([
			415,
			'cut.jpg was not accepted: the image is damaged.'
		]);
		expect([bomb.status, bomb.body.error.message]).toEqual([
			415,
			'huge.png was not accepted: it has too many pixels (20000 × 20000).'
		]);
		expect(await kept()).toEqual(before);
	});

	it('takes a voice message with its duration and waveform', async () => {
		const waveform = encodeWaveform(Array.from({ length: 64 }, (_, i) => (i % 8) / 8));
		const sent = await upload(bruno, samples.webm(24_000), 'Voice message.webm', {
			voiceMs: 3_500,
			waveform
		});
		expect(sent.body).toMatchObject({
			kind: 'voice',
			mimeType: 'audio/webm',
			durationMs: 3_500,
			waveform
		});
		expect(decodeWaveform(waveform).slice(0, 3)).toEqual([0, 32 / 255, 64 / 255]);
	});

	it('shows the organization’s storage use to Super Admins only', async () => {
		const [expected] = await app.database.sql<{ files: number; bytes: number }[]>`
			select count(*)::int as files, coalesce(sum(size), 0)::int as bytes
			from files where org_id = ${ada.user.orgId}`;
		const answer = await fetch(`${server.origin}/api/storage`, { headers: cookie(ada) });
		expect(answer.status).toBe(200);
		const usage = (await answer.json()) as { files: number; bytes: number };
		expect(usage, `usage ${JSON.stringify(usage)}`).toEqual(expected);
		expect(usage.files).toBeGreaterThan(0);
		const refused = await fetch(`${server.origin}/api/storage`, { headers: cookie(bruno) });
		expect(refused.status).toBe(403);
		expect((await fetch(`${server.origin}/api/storage`)).status).toBe(401);
	});
});
