import { fileTypeFromBuffer, type FileTypeResult } from 'file-type';
import { VOICE_HEADER_ALLOWANCE, VOICE_MAX_BYTES_PER_SECOND } from '#shared/files/files.schema.ts';

export type FileKind = 'image' | 'file' | 'voice';

/** What the content turned out to be, or why it is refused (said to the person, naming it). */
export type ContentVerdict =
	{ ok: true; mimeType: string; kind: FileKind } | { ok: false; reason: string };

/** Raster images browsers show safely; SVG (scriptable) is never among them. */
const IMAGES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/avif']);

/** Documents and archives, by the type their content has. */
const DOCUMENTS = new Set([
	'application/pdf',
	'application/zip',
	'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
	'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
	'application/vnd.openxmlformats-officedocument.presentationml.presentation',
	'application/vnd.oasis.opendocument.text',
	'application/vnd.oasis.opendocument.spreadsheet',
	'application/vnd.oasis.opendocument.presentation',
	'application/rtf',
	'application/x-7z-compressed',
	'application/gzip'
]);

const AUDIO = new Set([
	'audio/mpeg',
	'audio/ogg',
	'audio/opus',
	'audio/wav',
	'audio/x-wav',
	'audio/flac',
	'audio/x-flac',
	'audio/aac',
	'audio/mp4',
	'audio/x-m4a',
	'audio/webm'
]);

/**
 * Recordings of the browser's MediaRecorder: Opus in WebM, AAC in MP4. Their containers sniff as
 * video; with the app's voice flag they are audio.
 */
const VOICE_CONTAINERS: Record<string, string> = {
	'video/webm': 'audio/webm',
	'audio/webm': 'audio/webm',
	'audio/ogg': 'audio/ogg',
	'audio/opus': 'audio/ogg',
	'video/mp4': 'audio/mp4',
	'audio/mp4': 'audio/mp4',
	'audio/x-m4a': 'audio/mp4',
	'audio/aac': 'audio/aac'
};

/**
 * Legacy Office files are one generic container (Compound File Binary) whatever they hold: they
 * are accepted only under their own names, and get the type their name says.
 */
const LEGACY_OFFICE: Record<string, string> = {
	doc: 'application/msword',
	xls: 'application/vnd.ms-excel',
	ppt: 'application/vnd.ms-powerpoint'
};

/** Plain text has no signature: accepted under these names when it is UTF-8 without NUL. */
const TEXT_NAMES: Record<string, string> = {
	txt: 'text/plain',
	md: 'text/markdown',
	csv: 'text/csv',
	log: 'text/plain'
};

function extensionOf(name: string): string {
	const dot = name.lastIndexOf('.');
	return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

function isPlainText(bytes: Uint8Array): boolean {
	if (bytes.includes(0)) return false;
	try {
		new TextDecoder('utf-8', { fatal: true }).decode(bytes);
		return true;
	} catch {
		return false;
	}
}

/**
 * A file's content as the check reads it: its size, its signature (read as far as its format
 * needs), and all its bytes (read only for what has no signature: plain text).
 */
export interface ContentSource {
	size: number;
	sniff(): Promise<FileTypeResult | undefined>;
	bytes(): Promise<Uint8Array>;
}

/** Bytes in memory as a content source. */
export function bufferContent(bytes: Uint8Array): ContentSource {
	return {
		size: bytes.byteLength,
		sniff: () => fileTypeFromBuffer(bytes),
		bytes: async () => bytes
	};
}

/**
 * Decides what a file is from its bytes, never from its name or the browser's claim (a name
 * only narrows what its generic container or plain text may be).
 */
export function classifyContent(
	bytes: Uint8Array,
	name: string,
	voice: { durationMs: number } | null
): Promise<ContentVerdict> {
	return classify(bufferContent(bytes), name, voice);
}

/** `classifyContent` of any source (an upload spooled to disk: upload-spool.ts). */
export async function classify(
	content: ContentSource,
	name: string,
	voice: { durationMs: number } | null
): Promise<ContentVerdict> {
	if (content.size === 0) return { ok: false, reason: 'it is empty' };
	const sniffed = await content.sniff();
	if (voice) {
		const mimeType = sniffed ? VOICE_CONTAINERS[sniffed.mime] : undefined;
		if (!mimeType) return { ok: false, reason: 'it is not a voice recording' };
		const most =
			Math.ceil((voice.durationMs / 1000) * VOICE_MAX_BYTES_PER_SECOND) + VOICE_HEADER_ALLOWANCE;
		if (content.size > most) {
			return { ok: false, reason: 'its size does not match a recording of its length' };
		}
		return { ok: true, mimeType, kind: 'voice' };
	}
	const extension = extensionOf(name);
	if (!sniffed) {
		const textType = TEXT_NAMES[extension];
		if (textType && isPlainText(await content.bytes())) {
			return { ok: true, mimeType: textType, kind: 'file' };
		}
		return { ok: false, reason: 'its content is not a type ConnectFlow accepts' };
	}
	if (IMAGES.has(sniffed.mime)) return { ok: true, mimeType: sniffed.mime, kind: 'image' };
	if (DOCUMENTS.has(sniffed.mime) || AUDIO.has(sniffed.mime)) {
		return { ok: true, mimeType: sniffed.mime, kind: 'file' };
	}
	if (sniffed.mime === 'application/x-cfb' && LEGACY_OFFICE[extension]) {
		return { ok: true, mimeType: LEGACY_OFFICE[extension], kind: 'file' };
	}
	return {
		ok: false,
		reason: `its content is ${sniffed.ext.toUpperCase()}, which is not accepted`
	};
}
