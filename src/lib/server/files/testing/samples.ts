/**
 * Small files of each kind, made byte by byte, for the tests of uploads: what each format's
 * signature looks like to a content sniffer, and the hostile ones (renamed, empty, oversized).
 */

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/** A valid 1×1 PNG. */
export const png = Uint8Array.from(
	Buffer.from(
		'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
		'base64'
	)
);

export const pdf = new TextEncoder().encode(
	'%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'
);

/** A Windows executable's header: what a renamed .exe starts with. */
export const executable = Uint8Array.from([
	...ascii('MZ'),
	...new Array(58).fill(0),
	0x80,
	0,
	0,
	0,
	...new Array(64).fill(0),
	...ascii('PE'),
	0,
	0,
	0x4c,
	0x01
]);

export const html = new TextEncoder().encode(
	'<!doctype html><html><body><script>alert(document.cookie)</script></body></html>'
);

/** The Compound File Binary container of legacy .doc, .xls and .ppt (and of .msi). */
export const compoundFile = Uint8Array.from([
	0xd0,
	0xcf,
	0x11,
	0xe0,
	0xa1,
	0xb1,
	0x1a,
	0xe1,
	...new Array(504).fill(0)
]);

/** The EBML header of a WebM file, as MediaRecorder writes it, followed by `size` bytes. */
export function webm(size = 2_000): Uint8Array {
	const header = [
		0x1a,
		0x45,
		0xdf,
		0xa3,
		0x9f,
		0x42,
		0x86,
		0x81,
		0x01,
		0x42,
		0xf7,
		0x81,
		0x01,
		0x42,
		0xf2,
		0x81,
		0x04,
		0x42,
		0xf3,
		0x81,
		0x08,
		0x42,
		0x82,
		0x84,
		...ascii('webm'),
		0x42,
		0x87,
		0x81,
		0x04,
		0x42,
		0x85,
		0x81,
		0x02
	];
	const bytes = new Uint8Array(header.length + size);
	bytes.set(header);
	return bytes;
}

/** Bytes of a PDF padded to `size`. */
export function largePdf(size: number): Uint8Array {
	const bytes = new Uint8Array(size);
	bytes.set(pdf);
	return bytes;
}

/**
 * A 300 × 200 JPEG photo as a phone writes it: stored sideways with EXIF orientation 6 (shown
 * turned a quarter clockwise, 200 × 300) and the place it was taken.
 */
export async function phonePhoto(orientation = 6): Promise<Uint8Array> {
	const { default: sharp } = await import('sharp');
	const data = await sharp({
		create: { width: 300, height: 200, channels: 3, background: { r: 200, g: 80, b: 40 } }
	})
		.jpeg({ quality: 80 })
		.withMetadata({ orientation })
		.withExifMerge({
			IFD0: { Make: 'Phone Maker', Model: 'Phone 12' },
			IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 2400/100' }
		})
		.toBuffer();
	return new Uint8Array(data);
}

/** A JPEG cut off halfway, as an interrupted copy leaves it. */
export async function truncatedJpeg(): Promise<Uint8Array> {
	const { default: sharp } = await import('sharp');
	const data = await sharp({
		create: { width: 400, height: 400, channels: 3, background: { r: 10, g: 120, b: 200 } }
	})
		.jpeg({ quality: 90 })
		.toBuffer();
	return new Uint8Array(data.subarray(0, Math.floor(data.length / 2)));
}

/** A PNG whose header claims 20,000 × 20,000 pixels: a decompression bomb's signature. */
export function pixelBomb(): Uint8Array {
	const bytes = png.slice();
	const view = new DataView(bytes.buffer);
	// IHDR: its data starts at byte 16 (width, height), its CRC follows the 13 data bytes.
	view.setUint32(16, 20_000);
	view.setUint32(20, 20_000);
	view.setUint32(29, crc32(bytes.subarray(12, 29)));
	return bytes;
}

function crc32(bytes: Uint8Array): number {
	let crc = 0xffffffff;
	for (const byte of bytes) {
		crc ^= byte;
		for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
	}
	return (crc ^ 0xffffffff) >>> 0;
}
