import { describe, expect, it } from 'vitest';
import { classifyContent } from './file-content.ts';
import * as samples from './testing/samples.ts';

describe('the type of a file, from its content', () => {
	it.each([
		['an image, whatever its name', samples.png, 'photo.jpg', 'image/png', 'image'],
		['a document without an extension', samples.pdf, 'report', 'application/pdf', 'file'],
		[
			'a legacy Office file under its own name',
			samples.compoundFile,
			'budget.xls',
			'application/vnd.ms-excel',
			'file'
		]
	] as const)('accepts %s for what it is', async (_what, bytes, name, mimeType, kind) => {
		expect(await classifyContent(bytes, name, null)).toEqual({ ok: true, mimeType, kind });
	});

	it('accepts plain text', async () => {
		const text = new TextEncoder().encode('Minutes of Monday — naïve café\n');
		expect(await classifyContent(text, 'minutes.txt', null)).toMatchObject({
			ok: true,
			mimeType: 'text/plain'
		});
	});

	it('takes legacy Office files only under their own names', async () => {
		expect(await classifyContent(samples.compoundFile, 'setup.msi', null)).toMatchObject({
			ok: false
		});
	});

	it('refuses what a name disguises, empty files and text that is not text', async () => {
		const cases: [Uint8Array, string][] = [
			[samples.executable, 'invoice.pdf'],
			[samples.html, 'cat.png'],
			[samples.html, 'page.html'],
			[new TextEncoder().encode('<svg onload="alert(1)"/>'), 'logo.svg'],
			[new Uint8Array(), 'empty.txt'],
			[Uint8Array.from([0x61, 0x00, 0x62]), 'notes.txt'],
			[Uint8Array.from([0xff, 0xfe, 0xfd]), 'notes.txt']
		];
		const verdicts = await Promise.all(
			cases.map(([bytes, name]) => classifyContent(bytes, name, null))
		);
		expect(verdicts.map((verdict, index) => [cases[index]![1], verdict.ok])).toEqual(
			cases.map(([, name]) => [name, false])
		);
		expect(verdicts[0]).toEqual({
			ok: false,
			reason: 'its content is EXE, which is not accepted'
		});
	});

	it('takes a voice recording only when its size can match its length', async () => {
		expect(
			await classifyContent(samples.webm(20_000), 'voice.webm', { durationMs: 3_500 })
		).toEqual({
			ok: true,
			mimeType: 'audio/webm',
			kind: 'voice'
		});
		expect(
			await classifyContent(samples.webm(5 * 1024 * 1024), 'voice.webm', { durationMs: 2_000 })
		).toEqual({ ok: false, reason: 'its size does not match a recording of its length' });
		expect(await classifyContent(samples.pdf, 'voice.webm', { durationMs: 2_000 })).toEqual({
			ok: false,
			reason: 'it is not a voice recording'
		});
	});
});
