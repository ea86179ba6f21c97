import { WAVEFORM_PEAKS } from '$lib/shared/files/files.schema.ts';

/**
 * The pure parts of voice messages: which container to record in, the waveform, the clock,
 * the m:ss a person reads. Kept apart from the browser APIs so they are tested as they are.
 */

/**
 * Containers to record in, best first: Opus in WebM (Chromium, Firefox), then MP4/AAC (Safari,
 * which records no WebM), then Opus in Ogg. The server accepts exactly these by their content.
 */
export const VOICE_TYPES = [
	'audio/webm;codecs=opus',
	'audio/webm',
	'audio/mp4;codecs=mp4a.40.2',
	'audio/mp4',
	'audio/ogg;codecs=opus'
] as const;

/** The first type the browser records; '' lets the browser choose (then judged by its blob). */
export function pickVoiceType(isSupported: (type: string) => boolean): string {
	return VOICE_TYPES.find((type) => isSupported(type)) ?? '';
}

/** The file name a recording goes up as: the app names it, the extension follows the content. */
export function voiceFileName(mimeType: string): string {
	const base = mimeType.split(';')[0]!.trim().toLowerCase();
	const extension = base === 'audio/mp4' ? 'm4a' : base === 'audio/ogg' ? 'ogg' : 'webm';
	return `Voice message.${extension}`;
}

/**
 * `count` peaks (0..1) of decoded samples: the loudest sample of each equal slice, scaled so the
 * loudest slice is full height (a quiet speaker's waveform still has a shape), with a floor so
 * that silence stays silence rather than being blown up to noise.
 */
export function peaksOfSamples(samples: ArrayLike<number>, count = WAVEFORM_PEAKS): number[] {
	return slicePeaks(samples.length, count, (index) => Math.abs(samples[index]!));
}

/**
 * A series of levels (as an AnalyserNode gives them while recording, any length) brought to
 * `count` peaks: each peak is the loudest level of its slice. Fewer levels than peaks are
 * stretched (each level held over several peaks).
 */
export function resamplePeaks(levels: readonly number[], count = WAVEFORM_PEAKS): number[] {
	return slicePeaks(levels.length, count, (index) => levels[index] ?? 0);
}

/**
 * `count` peaks of a series of `length` values read through `level`: the highest of each equal
 * slice (a series shorter than `count` is stretched, each value held over several peaks),
 * normalized. All zero for an empty series.
 */
function slicePeaks(length: number, count: number, level: (index: number) => number): number[] {
	if (length === 0) return new Array<number>(count).fill(0);
	const peaks: number[] = [];
	for (let slice = 0; slice < count; slice++) {
		const from = Math.floor((slice * length) / count);
		const to = Math.max(from + 1, Math.floor(((slice + 1) * length) / count));
		let peak = 0;
		for (let index = from; index < to && index < length; index++) {
			peak = Math.max(peak, level(index));
		}
		peaks.push(peak);
	}
	return normalizePeaks(peaks);
}

/** Below this the recording is silent: its waveform stays flat rather than amplified noise. */
const SILENCE = 0.02;

function normalizePeaks(peaks: number[]): number[] {
	const loudest = Math.max(...peaks);
	if (loudest < SILENCE) return peaks.map(() => 0);
	return peaks.map((peak) => Math.min(1, peak / loudest));
}

/**
 * The time a recording ran, measured by the app (MediaRecorder's WebM has no duration in its
 * header). Paused stretches do not count. `now` is performance.now() in the browser.
 */
export class Stopwatch {
	private startedAt: number | null = null;
	private banked = 0;

	get running(): boolean {
		return this.startedAt !== null;
	}

	start(now: number): void {
		if (this.startedAt === null) this.startedAt = now;
	}

	pause(now: number): void {
		if (this.startedAt === null) return;
		this.banked += Math.max(0, now - this.startedAt);
		this.startedAt = null;
	}

	elapsed(now: number): number {
		return this.banked + (this.startedAt === null ? 0 : Math.max(0, now - this.startedAt));
	}

	reset(): void {
		this.startedAt = null;
		this.banked = 0;
	}
}

/** m:ss (h:mm:ss past an hour), whole seconds rounded down, never negative. */
export function formatClock(ms: number): string {
	const total = Math.max(0, Math.floor((Number.isFinite(ms) ? ms : 0) / 1000));
	const hours = Math.floor(total / 3600);
	const minutes = Math.floor((total % 3600) / 60);
	const seconds = String(total % 60).padStart(2, '0');
	return hours > 0
		? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}`
		: `${minutes}:${seconds}`;
}

/** Words for screen readers: "1 minute 5 seconds". */
export function spokenDuration(ms: number): string {
	const total = Math.max(0, Math.floor(ms / 1000));
	const minutes = Math.floor(total / 60);
	const seconds = total % 60;
	const parts: string[] = [];
	if (minutes > 0) parts.push(`${minutes} minute${minutes === 1 ? '' : 's'}`);
	if (seconds > 0 || minutes === 0) parts.push(`${seconds} second${seconds === 1 ? '' : 's'}`);
	return parts.join(' ');
}

/** Speeds the player cycles through. */
export const PLAYBACK_SPEEDS = [1, 1.5, 2] as const;

export function nextSpeed(current: number): number {
	const index = PLAYBACK_SPEEDS.findIndex((speed) => speed === current);
	return PLAYBACK_SPEEDS[(index + 1) % PLAYBACK_SPEEDS.length]!;
}

/** A position (ms) moved by a key of the seek slider; null for keys it does not handle. */
export function seekByKey(key: string, positionMs: number, durationMs: number): number | null {
	const step = 1000;
	const page = Math.max(5000, durationMs / 10);
	let next: number;
	switch (key) {
		case 'ArrowRight':
		case 'ArrowUp':
			next = positionMs + step;
			break;
		case 'ArrowLeft':
		case 'ArrowDown':
			next = positionMs - step;
			break;
		case 'PageUp':
			next = positionMs + page;
			break;
		case 'PageDown':
			next = positionMs - page;
			break;
		case 'Home':
			next = 0;
			break;
		case 'End':
			next = durationMs;
			break;
		default:
			return null;
	}
	return Math.min(durationMs, Math.max(0, next));
}
