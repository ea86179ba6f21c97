import { describe, expect, it } from 'vitest';
import { decodeWaveform, encodeWaveform, WAVEFORM_PEAKS } from '$lib/shared/files/files.schema.ts';
import {
	formatClock,
	nextSpeed,
	peaksOfSamples,
	pickVoiceType,
	resamplePeaks,
	seekByKey,
	spokenDuration,
	Stopwatch,
	voiceFileName
} from './voice.ts';

describe('voice recording helpers', () => {
	it('records Opus in WebM where it can, MP4/AAC where WebM is not supported', () => {
		expect(pickVoiceType(() => true)).toBe('audio/webm;codecs=opus');
		// Safari: no WebM.
		expect(pickVoiceType((type) => type.startsWith('audio/mp4'))).toBe(
			'audio/mp4;codecs=mp4a.40.2'
		);
		expect(pickVoiceType(() => false)).toBe('');
		expect(voiceFileName('audio/webm;codecs=opus')).toBe('Voice message.webm');
		expect(voiceFileName('audio/mp4')).toBe('Voice message.m4a');
		expect(voiceFileName('audio/ogg;codecs=opus')).toBe('Voice message.ogg');
	});

	it('measures 64 peaks of decoded samples, the loudest slice at full height', () => {
		// One second at 48 kHz: quiet first half, a loud burst in the last eighth.
		const samples = new Float32Array(48_000);
		for (let i = 0; i < 24_000; i++) samples[i] = Math.sin(i / 10) * 0.1;
		for (let i = 42_000; i < 48_000; i++) samples[i] = Math.sin(i / 10) * -0.5;
		const peaks = peaksOfSamples(samples);
		expect(peaks, `peaks: ${peaks.length}`).toHaveLength(WAVEFORM_PEAKS);
		expect(Math.max(...peaks)).toBe(1);
		expect(peaks[0]!, `first peak ${peaks[0]}`).toBeCloseTo(0.2, 1);
		expect(peaks[40], 'silent middle').toBe(0);
		expect(peaks[63]).toBeCloseTo(1, 5);
		// Survives the trip through the message (one byte a peak).
		const back = decodeWaveform(encodeWaveform(peaks));
		expect(back).toHaveLength(WAVEFORM_PEAKS);
		expect(Math.max(...back.map((peak, i) => Math.abs(peak - peaks[i]!)))).toBeLessThan(0.003);
	});

	it('keeps a silent recording flat instead of amplifying its noise', () => {
		const hiss = Float32Array.from({ length: 6400 }, (_, i) => (i % 2 ? 0.004 : -0.004));
		expect(new Set(peaksOfSamples(hiss))).toEqual(new Set([0]));
		expect(peaksOfSamples(new Float32Array(0))).toEqual(new Array(64).fill(0));
	});

	it('brings levels collected while recording to 64 peaks (the fallback waveform)', () => {
		const levels = Array.from({ length: 256 }, (_, i) => (i >= 128 && i < 132 ? 0.8 : 0.2));
		const peaks = resamplePeaks(levels);
		expect(peaks).toHaveLength(64);
		expect(peaks[32]).toBe(1);
		expect(peaks[0]).toBeCloseTo(0.25, 5);
		// A short clip with fewer levels than peaks is stretched, not padded with silence.
		const short = resamplePeaks([0.5, 1]);
		expect(short.slice(0, 32)).toEqual(new Array(32).fill(0.5));
		expect(short.slice(32)).toEqual(new Array(32).fill(1));
	});

	it('measures the duration across start and stop, minus pauses', () => {
		const watch = new Stopwatch();
		watch.start(1000);
		expect(watch.elapsed(1500)).toBe(500);
		watch.pause(2000);
		expect(watch.elapsed(9000), 'paused time does not count').toBe(1000);
		watch.start(10_000);
		watch.start(10_500); // a second start does not restart the clock
		expect(watch.elapsed(12_250)).toBe(3250);
		watch.pause(12_250);
		expect(watch.running).toBe(false);
		watch.reset();
		expect(watch.elapsed(20_000)).toBe(0);
	});

	it('shows m:ss and says it in words', () => {
		expect(formatClock(0)).toBe('0:00');
		expect(formatClock(2_999)).toBe('0:02');
		expect(formatClock(65_000)).toBe('1:05');
		expect(formatClock(15 * 60_000)).toBe('15:00');
		expect(formatClock(3_723_000)).toBe('1:02:03');
		expect(formatClock(-5)).toBe('0:00');
		expect(formatClock(Infinity), 'a WebM without duration never shows as hours').toBe('0:00');
		expect(spokenDuration(65_000)).toBe('1 minute 5 seconds');
		expect(spokenDuration(1_000)).toBe('1 second');
		expect(spokenDuration(120_000)).toBe('2 minutes');
	});

	it('cycles speeds and seeks by keys within the clip', () => {
		expect(nextSpeed(1)).toBe(1.5);
		expect(nextSpeed(1.5)).toBe(2);
		expect(nextSpeed(2)).toBe(1);
		expect(seekByKey('ArrowRight', 2500, 3000)).toBe(3000);
		expect(seekByKey('ArrowLeft', 500, 3000)).toBe(0);
		expect(seekByKey('ArrowLeft', 2500, 3000)).toBe(1500);
		expect(seekByKey('End', 0, 3000)).toBe(3000);
		expect(seekByKey('Home', 2000, 3000)).toBe(0);
		expect(seekByKey('PageUp', 0, 120_000)).toBe(12_000);
		expect(seekByKey('a', 0, 3000)).toBeNull();
	});
});
