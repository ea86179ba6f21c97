/**
 * Large photos are made smaller in the browser before they travel (as Telegram does): over
 * about 2 MB or 2,560 px on the longest side. Only photos: a GIF may be animated, an SVG is not
 * pixels, and every other file keeps its bytes exactly.
 */
export const COMPRESS_OVER_BYTES = 2 * 1024 * 1024;
export const MAX_IMAGE_SIDE = 2560;
export const COMPRESS_QUALITY = 0.85;

const COMPRESSIBLE = new Set(['image/jpeg', 'image/png', 'image/webp']);

export interface CompressionPlan {
	width: number;
	height: number;
	/** JPEG stays JPEG; PNG and WebP become WebP, which keeps transparency. */
	type: 'image/jpeg' | 'image/webp';
}

/** Whether the browser may try to compress a file of this type at all (before decoding it). */
export function mayCompress(file: { type: string }): boolean {
	return COMPRESSIBLE.has(file.type);
}

/**
 * The plan for an image of this type, size and pixel size, or null when it goes as it is:
 * small enough in bytes and pixels, or not a photo type.
 */
export function compressionPlan(image: {
	type: string;
	size: number;
	width: number;
	height: number;
}): CompressionPlan | null {
	if (!COMPRESSIBLE.has(image.type) || image.width <= 0 || image.height <= 0) return null;
	const longest = Math.max(image.width, image.height);
	if (image.size <= COMPRESS_OVER_BYTES && longest <= MAX_IMAGE_SIDE) return null;
	const scale = Math.min(1, MAX_IMAGE_SIDE / longest);
	return {
		width: Math.max(1, Math.round(image.width * scale)),
		height: Math.max(1, Math.round(image.height * scale)),
		type: image.type === 'image/jpeg' ? 'image/jpeg' : 'image/webp'
	};
}

/** The name a compressed file takes: its extension follows its new type. */
export function compressedName(name: string, type: CompressionPlan['type']): string {
	const extension = type === 'image/jpeg' ? 'jpg' : 'webp';
	const dot = name.lastIndexOf('.');
	const base = dot > 0 ? name.slice(0, dot) : name;
	if (type === 'image/jpeg' && /\.(jpe?g)$/i.test(name)) return name;
	return `${base}.${extension}`;
}

/**
 * Compresses an image in the browser when its plan says so; otherwise (or when the browser
 * cannot decode it, or the result is not smaller) the original goes. createImageBitmap honours
 * the EXIF orientation, so the pixels come out upright.
 */
export async function compressImage(file: File): Promise<File> {
	if (!mayCompress(file) || typeof createImageBitmap !== 'function') return file;
	let bitmap: ImageBitmap;
	try {
		bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
	} catch {
		return file;
	}
	try {
		const plan = compressionPlan({
			type: file.type,
			size: file.size,
			width: bitmap.width,
			height: bitmap.height
		});
		if (!plan) return file;
		const canvas = new OffscreenCanvas(plan.width, plan.height);
		const context = canvas.getContext('2d');
		if (!context) return file;
		context.imageSmoothingQuality = 'high';
		context.drawImage(bitmap, 0, 0, plan.width, plan.height);
		const blob = await canvas.convertToBlob({ type: plan.type, quality: COMPRESS_QUALITY });
		// A browser without WebP encoding answers PNG: then the original is the better file.
		if (blob.type !== plan.type || blob.size >= file.size) return file;
		return new File([blob], compressedName(file.name, plan.type), {
			type: plan.type,
			lastModified: file.lastModified
		});
	} catch {
		return file;
	} finally {
		bitmap.close();
	}
}
