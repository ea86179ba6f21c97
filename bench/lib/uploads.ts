import sharp from 'sharp';
import { SESSION_COOKIE, type Member } from './api.ts';
import { Latencies, round2 } from './stats.ts';

/** One person who uploads into a conversation, and a colleague there who looks at the result. */
export interface Uploader {
	member: Member;
	channelId: string;
	viewer: Member;
}

export interface UploadResult {
	uploads: number;
	failed: number;
	megabytes: number;
	upload_mb_per_s: number | null;
	/** The upload's answer (the server has checked, stored, and made the thumbnail and preview). */
	upload_p50_ms: number | null;
	upload_p99_ms: number | null;
	/** From the start of the upload to the thumbnail in another member's hands. */
	thumbnail_p50_ms: number | null;
	thumbnail_p99_ms: number | null;
}

/**
 * A photo of about `targetBytes` as a phone's camera makes it: a JPEG of many pixels whose noise
 * keeps it large (noise compresses badly, as detail does). Stays under `limitBytes`.
 */
export async function makePhoto(targetBytes: number, limitBytes: number): Promise<Uint8Array> {
	const width = 4000;
	const height = 3000;
	const noise = Buffer.alloc(width * height * 3);
	let seed = 12345;
	for (let i = 0; i < noise.length; i++) {
		seed = (seed * 1103515245 + 12345) & 0x7fffffff;
		noise[i] = (seed >> 16) & 0xff;
	}
	let best: Buffer | null = null;
	for (const quality of [95, 90, 85, 80, 70, 60, 50]) {
		const jpeg = await sharp(noise, { raw: { width, height, channels: 3 } })
			.jpeg({ quality })
			.toBuffer();
		if (jpeg.length <= limitBytes) {
			best = jpeg;
			if (jpeg.length <= targetBytes * 1.05) break;
		}
	}
	if (!best) throw new Error('could not make a photo under the file size limit');
	return new Uint8Array(best);
}

/**
 * Every uploader sends the photo at once, again and again until stopped (waves of concurrent
 * uploads), each followed by its viewer fetching the thumbnail.
 */
export function uploadWhile(httpUrl: string, uploaders: Uploader[], photo: Uint8Array) {
	const uploadTimes = new Latencies();
	const thumbnailTimes = new Latencies();
	let uploads = 0;
	let failed = 0;
	let bytes = 0;
	let busyMs = 0;
	const once = async ({ member, channelId, viewer }: Uploader, n: number) => {
		const started = performance.now();
		const response = await fetch(
			`${httpUrl}/api/channels/${channelId}/files?name=${encodeURIComponent(`photo-${n}.jpg`)}`,
			{
				method: 'POST',
				headers: {
					'content-type': 'application/octet-stream',
					cookie: `${SESSION_COOKIE}=${member.token}`
				},
				body: photo.slice()
			}
		);
		const answer = (await response.json()) as { id?: string };
		const uploaded = performance.now();
		if (response.status !== 201 || !answer.id) {
			failed++;
			return;
		}
		const thumbnail = await fetch(`${httpUrl}/api/files/${answer.id}/thumbnail`, {
			headers: { cookie: `${SESSION_COOKIE}=${viewer.token}` }
		});
		await thumbnail.arrayBuffer();
		if (!thumbnail.ok) {
			failed++;
			return;
		}
		uploads++;
		bytes += photo.byteLength;
		uploadTimes.add(Float64Array.of(uploaded - started));
		thumbnailTimes.add(Float64Array.of(performance.now() - started));
	};
	return {
		/** Starts the waves; the function it returns stops them after the wave in flight. */
		start(): () => Promise<void> {
			let stopped = false;
			const running = (async () => {
				for (let wave = 0; !stopped; wave++) {
					const started = performance.now();
					await Promise.all(uploaders.map((uploader, i) => once(uploader, wave * 1000 + i)));
					busyMs += performance.now() - started;
				}
			})();
			return async () => {
				stopped = true;
				await running;
			};
		},
		result(): UploadResult {
			const megabytes = bytes / 1024 / 1024;
			return {
				uploads,
				failed,
				megabytes: round2(megabytes),
				upload_mb_per_s: busyMs > 0 ? round2(megabytes / (busyMs / 1000)) : null,
				upload_p50_ms: uploadTimes.percentile(50),
				upload_p99_ms: uploadTimes.percentile(99),
				thumbnail_p50_ms: thumbnailTimes.percentile(50),
				thumbnail_p99_ms: thumbnailTimes.percentile(99)
			};
		}
	};
}
