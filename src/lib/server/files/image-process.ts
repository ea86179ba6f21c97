import type { ChildProcess } from 'node:child_process';
import { spawnNodeInBackground } from '../threads/idle-policy.ts';
import { createRequire } from 'node:module';

/** Most pixels an image may have (100 megapixels): beyond, it is refused before it is decoded. */
export const MAX_IMAGE_PIXELS = 100_000_000;
/** The thumbnail shown in the conversation, and the preview opened in the viewer (longest side). */
export const THUMBNAIL_SIZE = 480;
export const PREVIEW_SIZE = 1600;

/**
 * What the image work made of a file: on success the upright original without its metadata,
 * the thumbnail and the preview are written beside it (`imageOutputs`).
 */
export type ProcessedImage =
	| { ok: true; mimeType: string; width: number; height: number }
	/** Refused: damaged, or a decompression bomb. Said to the person. */
	| { ok: false; refused: true; reason: string }
	/** Not an image this server can work on: kept as an ordinary file. */
	| { ok: false; refused: false };

/** Where the image process writes its results for the file at `input`. */
export function imageOutputs(input: string) {
	return {
		original: `${input}.original`,
		thumbnail: `${input}.thumbnail`,
		preview: `${input}.preview`
	};
}

/**
 * Plain CommonJS, run as the image process's source: it loads without a build step under Vite
 * and from the built app; sharp's absolute path comes in argv. It lowers its own priority first,
 * so that the threads libvips starts inherit it: image work takes the CPU only when the process
 * that serves the sockets does not want it.
 */
const PROCESS_SOURCE = `
const os = require('node:os');
try { os.setPriority(19); } catch {}
const sharp = require(process.argv[1]);
sharp.cache(false);
// One libvips thread per image: images in parallel come from the slots below, and a count of
// threads the process controls is what leaves a core to the sockets.
sharp.concurrency(1);
const { maxPixels, thumbnailSize, previewSize } = JSON.parse(process.argv[2]);
const fs = require('node:fs');
// Metadata is taken out of JPEG and PNG files without decoding them: their pictures keep every
// byte. Kept: what draws the picture (JFIF, ICC colour profile, Adobe colour transform; PNG's
// colour chunks). Dropped: EXIF (location, camera, time), XMP, IPTC, comments, text chunks.
function stripJpeg(bytes) {
	if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
	const parts = [bytes.subarray(0, 2)];
	let at = 2;
	while (at + 4 <= bytes.length) {
		if (bytes[at] !== 0xff) return null;
		const marker = bytes[at + 1];
		if (marker === 0xff) { at += 1; continue; }
		if (marker === 0xda) { parts.push(bytes.subarray(at)); return Buffer.concat(parts); }
		const length = bytes.readUInt16BE(at + 2);
		if (length < 2 || at + 2 + length > bytes.length) return null;
		const keep = !((marker >= 0xe1 && marker <= 0xed) || marker === 0xef || marker === 0xfe);
		if (keep) parts.push(bytes.subarray(at, at + 2 + length));
		at += 2 + length;
	}
	return null;
}
const PNG_DROPPED = new Set(['tEXt', 'zTXt', 'iTXt', 'eXIf', 'tIME']);
function stripPng(bytes) {
	const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
	if (!bytes.subarray(0, 8).equals(signature)) return null;
	const parts = [signature];
	let at = 8;
	while (at + 12 <= bytes.length) {
		const length = bytes.readUInt32BE(at);
		const type = bytes.toString('latin1', at + 4, at + 8);
		const end = at + 12 + length;
		if (end > bytes.length) return null;
		if (!PNG_DROPPED.has(type)) parts.push(bytes.subarray(at, end));
		at = end;
		if (type === 'IEND') return Buffer.concat(parts);
	}
	return null;
}
const strippers = { 'image/jpeg': stripJpeg, 'image/png': stripPng };
const encoders = {
	'image/jpeg': (image) => image.jpeg({ quality: 90 }),
	'image/png': (image) => image.png(),
	'image/webp': (image) => image.webp({ quality: 90 }),
	'image/avif': (image) => image.avif({ quality: 60, effort: 2 })
};
async function work({ input, mimeType }) {
	let meta;
	try {
		meta = await sharp(input, { limitInputPixels: false }).metadata();
	} catch {
		return { ok: false, refused: false };
	}
	if (!meta.width || !meta.height) return { ok: false, refused: false };
	if (meta.width * meta.height > maxPixels) {
		return {
			ok: false,
			refused: true,
			reason: 'it has too many pixels (' + meta.width + ' × ' + meta.height + ')'
		};
	}
	const animated = (meta.pages || 1) > 1;
	const open = () => sharp(input, { limitInputPixels: maxPixels, animated }).rotate();
	try {
		const upright = !meta.orientation || meta.orientation === 1;
		const stripped = upright && strippers[mimeType] ? strippers[mimeType](fs.readFileSync(input)) : null;
		const encode = animated || stripped ? null : encoders[mimeType];
		let width;
		let height;
		if (stripped) {
			// Upright already: the picture's bytes stay as they came, without their metadata.
			fs.writeFileSync(input + '.original', stripped);
			width = meta.width;
			height = meta.height;
		} else if (encode) {
			const out = await encode(open()).toFile(input + '.original');
			width = out.width;
			height = out.height;
		} else {
			// A GIF keeps its bytes (and its animation): the format carries no location. Its
			// pixels are still decoded once, so a damaged one is found here too.
			const out = await open().raw().toBuffer({ resolveWithObject: true });
			width = out.info.width;
			height = animated ? meta.pageHeight || out.info.height : out.info.height;
			require('node:fs').copyFileSync(input, input + '.original');
		}
		const inside = (side) => ({ width: side, height: side, fit: 'inside', withoutEnlargement: true });
		if (animated) {
			// Every frame is kept, so each size is made from the file.
			await open().resize(inside(thumbnailSize)).webp({ quality: 78 }).toFile(input + '.thumbnail');
			await open().resize(inside(previewSize)).webp({ quality: 85 }).toFile(input + '.preview');
			return { ok: true, mimeType, width, height };
		}
		// The file is decoded once, at the preview's size, and the thumbnail made from that: a
		// second decode of a 10 MB photo cost 0.1 s. Encoding effort 2 of 6 makes the same preview
		// (within 0.1% of the bytes at the same quality) with a third less work: 0.33 s of CPU for
		// both sizes of scenario 9's photo, against 0.56 s before.
		const { data, info } = await open()
			.resize(inside(previewSize))
			.raw()
			.toBuffer({ resolveWithObject: true });
		const decoded = () =>
			sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
		await decoded().webp({ quality: 85, effort: 2 }).toFile(input + '.preview');
		await decoded().resize(inside(thumbnailSize)).webp({ quality: 78 }).toFile(input + '.thumbnail');
		return { ok: true, mimeType, width, height };
	} catch {
		return { ok: false, refused: true, reason: 'the image is damaged' };
	}
}
// One image at a time fewer than there are cores (at least one): the lowest priority alone did
// not keep the image work from delaying the server's main thread. With two libvips threads of
// each of two images on two cores (scenario 9), the main thread waited for a core: gaps of
// 5-35 ms between its profile's samples, 453 in 38 s against 87 at rest, and delivery p99 went
// from 13 to 119-140 ms. A wave of photos is still worked on in parallel where there are cores.
const slots = Math.max(1, os.availableParallelism() - 1);
const waiting = [];
let running = 0;
function next() {
	while (running < slots && waiting.length > 0) {
		const job = waiting.shift();
		running += 1;
		work(job)
			.then((result) => process.send({ id: job.id, result }))
			.finally(() => {
				running -= 1;
				next();
			});
	}
}
process.on('message', (job) => {
	waiting.push(job);
	next();
});
process.on('disconnect', () => process.exit(0));
`;

/**
 * The server's image work (sharp) in a process of its own at the lowest priority, as many
 * images at once as there are cores, in the order asked: turned upright by EXIF, metadata stripped, a thumbnail and a
 * preview made. Images go both ways as files (the upload spooled to disk, the results written
 * beside it), so the process that serves the sockets never holds them.
 */
export class ImageProcess {
	private child: ChildProcess | null = null;
	private next = 1;
	private readonly waiting = new Map<number, (answer: ProcessedImage) => void>();

	/**
	 * Starts the process ahead of the first image. Starting a process blocks the event loop for
	 * a moment (spawn measured 0.12 s in scenario 9's profile on a busy machine); the server does
	 * it once at its start rather than in the middle of delivering messages.
	 */
	warm(): void {
		this.start();
	}

	/** Works on the image file at `input`; its results are written beside it (imageOutputs). */
	processFile(input: string, mimeType: string): Promise<ProcessedImage> {
		return this.ask(input, mimeType);
	}

	async close(): Promise<void> {
		const child = this.child;
		this.child = null;
		if (child && child.exitCode === null) {
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.ref();
			child.disconnect();
			await exited;
		}
	}

	private ask(input: string, mimeType: string): Promise<ProcessedImage> {
		const child = this.start();
		const id = this.next++;
		// Kept alive while it has work, as a socket with a request in flight would be.
		child.ref();
		child.channel?.ref();
		return new Promise((resolve) => {
			this.waiting.set(id, resolve);
			child.send({ id, input, mimeType });
		});
	}

	private start(): ChildProcess {
		if (this.child) return this.child;
		const require = createRequire(import.meta.url);
		const settings = {
			maxPixels: MAX_IMAGE_PIXELS,
			thumbnailSize: THUMBNAIL_SIZE,
			previewSize: PREVIEW_SIZE
		};
		const child = spawnNodeInBackground([
			'-e',
			PROCESS_SOURCE,
			require.resolve('sharp'),
			JSON.stringify(settings)
		]);
		child.on('message', ({ id, result }: { id: number; result: ProcessedImage }) => {
			const resolve = this.waiting.get(id);
			this.waiting.delete(id);
			if (this.waiting.size === 0) {
				child.unref();
				child.channel?.unref();
			}
			resolve?.(result);
		});
		// A process that dies takes its jobs with it: they become ordinary files, and the next
		// image starts a new one.
		child.on('exit', () => {
			if (this.child === child) this.child = null;
			for (const resolve of this.waiting.values()) resolve({ ok: false, refused: false });
			this.waiting.clear();
		});
		child.unref();
		child.channel?.unref();
		this.child = child;
		return child;
	}
}
