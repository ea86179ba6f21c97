import { z } from 'zod';
import { attachmentSchema } from '../chat/values.ts';
import { singleLineText } from '../text.ts';
import { MAX_ATTACHMENT_NAME_LENGTH } from '../chat/limits.ts';

/** Longest voice message (15 minutes), as Slack's clips. */
export const MAX_VOICE_MS = 15 * 60_000;

/**
 * Most bytes a second of voice may take: Opus and AAC as browsers record speech stay far under
 * 64 kB/s (512 kbit/s); the container's header is allowed on top. A file much larger than its
 * claimed duration could hold is something else claiming to be a short clip.
 */
export const VOICE_MAX_BYTES_PER_SECOND = 64 * 1024;
export const VOICE_HEADER_ALLOWANCE = 64 * 1024;

/** The waveform a client measures: about 64 peaks, each 0..255. */
export const WAVEFORM_PEAKS = 64;

/** What an upload says about itself besides its bytes (the query of the upload). */
export const uploadQuerySchema = z.object({
	name: singleLineText().min(1).max(MAX_ATTACHMENT_NAME_LENGTH),
	/** A voice message recorded in the app; anything else is a file. */
	voice: z.enum(['true', 'false']).default('false'),
	durationMs: z.coerce.number().int().min(1).max(MAX_VOICE_MS).optional(),
	/** A voice message's waveform as the browser measured it (encodeWaveform). */
	waveform: z
		.string()
		.max(88)
		.regex(/^[A-Za-z0-9_-]*$/, 'Not a waveform.')
		.optional()
});
export type UploadQuery = z.infer<typeof uploadQuerySchema>;

/** A file as a message carries it: the upload's answer, put into the message as it is. */
export const uploadedFileSchema = attachmentSchema;
export type UploadedFile = z.infer<typeof uploadedFileSchema>;

/** Peaks (0..1) as the compact text a message carries: one byte each, base64url. */
export function encodeWaveform(peaks: readonly number[]): string {
	const bytes = peaks
		.slice(0, WAVEFORM_PEAKS)
		.map((peak) => Math.round(Math.min(1, Math.max(0, peak)) * 255));
	let binary = '';
	for (const byte of bytes) binary += String.fromCharCode(byte);
	return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The peaks (0..1) of a waveform text; empty for one that is not. */
export function decodeWaveform(text: string | undefined): number[] {
	if (!text) return [];
	try {
		const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
		return [...binary].map((char) => char.charCodeAt(0) / 255);
	} catch {
		return [];
	}
}

export const fileParams = z.object({ id: z.uuid('Not a valid file id.') });

/** The organization's stored files (the originals' sizes; thumbnails are not counted). */
export const storageUsageSchema = z.object({
	files: z.number().int().min(0),
	bytes: z.number().int().min(0)
});
export type StorageUsage = z.infer<typeof storageUsageSchema>;
