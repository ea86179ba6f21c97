import { encodeWaveform, MAX_VOICE_MS } from '$lib/shared/files/files.schema.ts';
import { peaksOfSamples, pickVoiceType, resamplePeaks, Stopwatch, voiceFileName } from './voice.ts';

/** A finished recording, ready to upload as a voice message. */
export interface VoiceClip {
	blob: Blob;
	name: string;
	mimeType: string;
	/** Measured by the app across start and stop, pauses left out. */
	durationMs: number;
	/** encodeWaveform of 64 peaks. */
	waveform: string;
}

export type RecorderPhase = 'idle' | 'asking' | 'recording' | 'finishing' | 'sending' | 'failed';

/** What the recorder needs of the browser; the tests give it fakes. */
export interface RecorderEnvironment {
	getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream>;
	createRecorder(stream: MediaStream, mimeType: string): MediaRecorder;
	isTypeSupported(type: string): boolean;
	/** An AudioContext, or null where there is none. */
	createAudioContext(): AudioContext | null;
	now(): number;
	/** Calls back every ~100 ms until the returned function is called. */
	every(ms: number, callback: () => void): () => void;
}

export const browserEnvironment = (): RecorderEnvironment => ({
	getUserMedia: (constraints) => navigator.mediaDevices.getUserMedia(constraints),
	createRecorder: (stream, mimeType) =>
		new MediaRecorder(stream, {
			...(mimeType ? { mimeType } : {}),
			// Speech needs little: keeps a 15-minute clip near 3.6 MB, far under the server's cap.
			audioBitsPerSecond: 32_000
		}),
	isTypeSupported: (type) =>
		typeof MediaRecorder !== 'undefined' && MediaRecorder.isTypeSupported(type),
	createAudioContext: () => (typeof AudioContext === 'undefined' ? null : new AudioContext()),
	now: () => performance.now(),
	every: (ms, callback) => {
		const timer = setInterval(callback, ms);
		return () => clearInterval(timer);
	}
});

/** Shortest clip worth sending: a tap on the button is not a message. */
export const MIN_VOICE_MS = 500;

/**
 * Recording one voice message: asks for the microphone, records (Opus in WebM, MP4/AAC where
 * WebM is not supported), shows the running time and the live level, stops itself at
 * MAX_VOICE_MS, and hands over a clip with its own measured duration and waveform.
 */
export class VoiceRecorder {
	phase = $state<RecorderPhase>('idle');
	elapsedMs = $state(0);
	/** The live input level, 0..1. */
	level = $state(0);
	error = $state<string | null>(null);
	/** A clip whose sending failed, kept to retry. */
	clip = $state<VoiceClip | null>(null);

	readonly maxMs: number;
	private readonly env: RecorderEnvironment;
	private readonly onlimit: (() => void) | undefined;
	private stream: MediaStream | null = null;
	private recorder: MediaRecorder | null = null;
	private context: AudioContext | null = null;
	private analyser: AnalyserNode | null = null;
	private levels: number[] = [];
	private chunks: Blob[] = [];
	private readonly watch = new Stopwatch();
	private stopTicking: (() => void) | null = null;
	private stopped: Promise<void> | null = null;
	/** Bumped by cancel: a finish that awaited across it hands over nothing. */
	private generation = 0;

	constructor(options: { env?: RecorderEnvironment; maxMs?: number; onlimit?: () => void } = {}) {
		this.env = options.env ?? browserEnvironment();
		this.maxMs = options.maxMs ?? MAX_VOICE_MS;
		this.onlimit = options.onlimit;
	}

	get active(): boolean {
		return this.phase !== 'idle';
	}

	/** Asks for the microphone and starts recording. */
	async start(): Promise<void> {
		if (this.phase !== 'idle' && this.phase !== 'failed') return;
		this.reset();
		this.phase = 'asking';
		let stream: MediaStream;
		try {
			stream = await this.env.getUserMedia({
				audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true }
			});
		} catch (caught) {
			this.phase = 'failed';
			this.error = microphoneProblem(caught);
			return;
		}
		if (this.phase !== 'asking') {
			// Cancelled while the browser asked.
			for (const track of stream.getTracks()) track.stop();
			return;
		}
		this.stream = stream;
		const mimeType = pickVoiceType((type) => this.env.isTypeSupported(type));
		let recorder: MediaRecorder;
		try {
			recorder = this.env.createRecorder(stream, mimeType);
		} catch {
			this.release();
			this.phase = 'failed';
			this.error = 'This browser cannot record audio.';
			return;
		}
		this.recorder = recorder;
		this.chunks = [];
		recorder.ondataavailable = (event) => {
			if (event.data.size > 0) this.chunks.push(event.data);
		};
		this.stopped = new Promise((resolve) => {
			recorder.onstop = () => resolve();
		});
		this.listen(stream);
		// A timeslice: the data arrives as it is recorded, not all at the stop.
		recorder.start(1000);
		this.watch.start(this.env.now());
		this.phase = 'recording';
		this.stopTicking = this.env.every(100, () => this.tick());
	}

	/** Stops and returns the clip (null when cancelled, too short or empty). */
	async finish(): Promise<VoiceClip | null> {
		if (this.phase !== 'recording' || !this.recorder) return null;
		this.phase = 'finishing';
		const generation = this.generation;
		const durationMs = Math.min(this.maxMs, Math.round(this.watch.elapsed(this.env.now())));
		this.watch.pause(this.env.now());
		this.elapsedMs = durationMs;
		const recorder = this.recorder;
		if (recorder.state !== 'inactive') recorder.stop();
		await this.stopped;
		const mimeType = recorder.mimeType || this.chunks[0]?.type || 'audio/webm';
		const blob = new Blob(this.chunks, { type: mimeType });
		const levels = this.levels;
		const context = this.context;
		this.release();
		if (generation !== this.generation) {
			void context?.close();
			return null;
		}
		if (blob.size === 0 || durationMs < MIN_VOICE_MS) {
			void context?.close();
			this.reset();
			return null;
		}
		const peaks = (await decodedPeaks(blob, context)) ?? resamplePeaks(levels);
		void context?.close();
		if (generation !== this.generation) return null;
		const clip: VoiceClip = {
			blob,
			name: voiceFileName(mimeType),
			mimeType: mimeType.split(';')[0]!,
			durationMs,
			waveform: encodeWaveform(peaks)
		};
		this.clip = clip;
		return clip;
	}

	/** Throws the recording away. */
	cancel(): void {
		this.generation++;
		if (this.recorder && this.recorder.state !== 'inactive') this.recorder.stop();
		if (this.phase !== 'finishing') void this.context?.close();
		this.release();
		this.reset();
	}

	sending(): void {
		this.phase = 'sending';
		this.error = null;
	}

	failed(message: string): void {
		this.phase = 'failed';
		this.error = message;
	}

	/** After the clip was sent (or discarded). */
	reset(): void {
		this.phase = 'idle';
		this.elapsedMs = 0;
		this.level = 0;
		this.error = null;
		this.clip = null;
		this.levels = [];
		this.chunks = [];
		this.watch.reset();
	}

	private tick(): void {
		if (this.phase !== 'recording') return;
		this.elapsedMs = this.watch.elapsed(this.env.now());
		if (this.analyser) {
			const data = new Uint8Array(this.analyser.fftSize);
			this.analyser.getByteTimeDomainData(data);
			let peak = 0;
			for (const sample of data) peak = Math.max(peak, Math.abs(sample - 128) / 128);
			this.level = peak;
			this.levels.push(peak);
		}
		if (this.elapsedMs >= this.maxMs) this.onlimit?.();
	}

	/** The live level: an AnalyserNode on the microphone (nothing is played back). */
	private listen(stream: MediaStream): void {
		try {
			const context = this.env.createAudioContext();
			if (!context) return;
			const analyser = context.createAnalyser();
			analyser.fftSize = 1024;
			context.createMediaStreamSource(stream).connect(analyser);
			this.context = context;
			this.analyser = analyser;
		} catch {
			// The level is a nicety: recording goes on without it.
		}
	}

	/** Lets go of the microphone (the context is closed by the caller, which may still decode). */
	private release(): void {
		this.stopTicking?.();
		this.stopTicking = null;
		for (const track of this.stream?.getTracks() ?? []) track.stop();
		this.stream = null;
		this.recorder = null;
		this.analyser = null;
		this.context = null;
		this.level = 0;
	}
}

/** The waveform of the recorded file itself, decoded; null where the browser cannot. */
async function decodedPeaks(blob: Blob, context: AudioContext | null): Promise<number[] | null> {
	if (!context) return null;
	try {
		const audio = await context.decodeAudioData(await blob.arrayBuffer());
		return peaksOfSamples(audio.getChannelData(0));
	} catch {
		return null;
	}
}

/** What to tell the person when the microphone cannot be had. */
export function microphoneProblem(caught: unknown): string {
	const name = caught instanceof DOMException || caught instanceof Error ? caught.name : '';
	switch (name) {
		case 'NotAllowedError':
		case 'SecurityError':
			return 'Microphone access is blocked. Allow it in the browser’s site settings to record.';
		case 'NotFoundError':
		case 'OverconstrainedError':
			return 'No microphone was found. Connect one and try again.';
		case 'NotReadableError':
		case 'AbortError':
			return 'The microphone is in use by another app or cannot be read.';
		default:
			return 'Recording is not available in this browser.';
	}
}
