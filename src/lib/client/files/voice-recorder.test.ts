import { describe, expect, it } from 'vitest';
import { decodeWaveform } from '$lib/shared/files/files.schema.ts';
import {
	microphoneProblem,
	VoiceRecorder,
	type RecorderEnvironment
} from './voice-recorder.svelte.ts';

/** A browser of fakes: a clock moved by hand, a recorder that yields one chunk on stop. */
function fakeBrowser(options: { deny?: string; webm?: boolean } = {}) {
	const state = { now: 0, tick: null as (() => void) | null, tracksStopped: 0, type: '' };
	const track = { stop: () => state.tracksStopped++ };
	const stream = { getTracks: () => [track] } as unknown as MediaStream;
	const env: RecorderEnvironment = {
		getUserMedia: async () => {
			if (options.deny) throw new DOMException('no', options.deny);
			return stream;
		},
		createRecorder: (_stream, mimeType) => {
			state.type = mimeType;
			const recorder = {
				state: 'inactive',
				mimeType,
				ondataavailable: null as ((event: { data: Blob }) => void) | null,
				onstop: null as (() => void) | null,
				start() {
					recorder.state = 'recording';
				},
				stop() {
					recorder.state = 'inactive';
					queueMicrotask(() => {
						recorder.ondataavailable?.({
							data: new Blob([new Uint8Array(4000)], { type: mimeType })
						});
						recorder.onstop?.();
					});
				}
			};
			return recorder as unknown as MediaRecorder;
		},
		isTypeSupported: (type) => (options.webm === false ? type.startsWith('audio/mp4') : true),
		createAudioContext: () => null,
		now: () => state.now,
		every: (_ms, callback) => {
			state.tick = callback;
			return () => (state.tick = null);
		}
	};
	const advance = (ms: number) => {
		state.now += ms;
		state.tick?.();
	};
	return { env, state, advance };
}

describe('VoiceRecorder', () => {
	it('records, shows the running time, and hands over a clip measured by the app', async () => {
		const browser = fakeBrowser();
		const recorder = new VoiceRecorder({ env: browser.env });
		await recorder.start();
		expect(recorder.phase).toBe('recording');
		expect(browser.state.type).toBe('audio/webm;codecs=opus');
		browser.advance(1200);
		expect(recorder.elapsedMs).toBe(1200);
		browser.advance(1300);
		const clip = await recorder.finish();
		expect(clip, 'a clip').not.toBeNull();
		expect(clip!.durationMs, `duration ${clip!.durationMs}`).toBe(2500);
		expect(clip!.name).toBe('Voice message.webm');
		expect(clip!.mimeType).toBe('audio/webm');
		expect(clip!.blob.size).toBe(4000);
		expect(decodeWaveform(clip!.waveform)).toHaveLength(64);
		expect(browser.state.tracksStopped, 'the microphone is released').toBe(1);
		expect(browser.state.tick, 'the timer stopped').toBeNull();
	});

	it('records MP4/AAC where WebM is not supported', async () => {
		const browser = fakeBrowser({ webm: false });
		const recorder = new VoiceRecorder({ env: browser.env });
		await recorder.start();
		browser.advance(2000);
		const clip = await recorder.finish();
		expect(browser.state.type).toBe('audio/mp4;codecs=mp4a.40.2');
		expect(clip!.name).toBe('Voice message.m4a');
	});

	it('says clearly when the microphone is refused', async () => {
		const recorder = new VoiceRecorder({ env: fakeBrowser({ deny: 'NotAllowedError' }).env });
		await recorder.start();
		expect(recorder.phase).toBe('failed');
		expect(recorder.error).toMatch(/Microphone access is blocked/);
		expect(microphoneProblem(new DOMException('x', 'NotFoundError'))).toMatch(/No microphone/);
	});

	it('throws a cancelled recording away and releases the microphone', async () => {
		const browser = fakeBrowser();
		const recorder = new VoiceRecorder({ env: browser.env });
		await recorder.start();
		browser.advance(3000);
		recorder.cancel();
		expect(recorder.phase).toBe('idle');
		expect(recorder.elapsedMs).toBe(0);
		expect(browser.state.tracksStopped).toBe(1);
		expect(await recorder.finish()).toBeNull();
	});

	it('a cancel while finishing hands over nothing', async () => {
		const browser = fakeBrowser();
		const recorder = new VoiceRecorder({ env: browser.env });
		await recorder.start();
		browser.advance(3000);
		const finishing = recorder.finish();
		recorder.cancel();
		expect(await finishing).toBeNull();
		expect(recorder.phase).toBe('idle');
	});

	it('does not send a tap on the button', async () => {
		const browser = fakeBrowser();
		const recorder = new VoiceRecorder({ env: browser.env });
		await recorder.start();
		browser.advance(200);
		expect(await recorder.finish()).toBeNull();
		expect(recorder.phase).toBe('idle');
	});

	it('stops itself at the maximum length, with the maximum as its duration', async () => {
		const browser = fakeBrowser();
		let limits = 0;
		const recorder = new VoiceRecorder({ env: browser.env, maxMs: 5000, onlimit: () => limits++ });
		await recorder.start();
		browser.advance(4900);
		expect(limits).toBe(0);
		browser.advance(200);
		expect(limits, 'the limit was announced').toBe(1);
		const clip = await recorder.finish();
		expect(clip!.durationMs).toBe(5000);
	});
});
