import { describe, expect, it } from 'vitest';
import { documentFamily, familyLabel, humanSize } from './file-format.ts';
import { compressedName, compressionPlan } from './compress.ts';

describe('humanSize', () => {
	it('writes sizes as people read them', () => {
		expect(humanSize(0)).toBe('0 B');
		expect(humanSize(1023)).toBe('1023 B');
		expect(humanSize(1024)).toBe('1 KB');
		expect(humanSize(1536)).toBe('1.5 KB');
		expect(humanSize(10 * 1024 * 1024)).toBe('10 MB');
		expect(humanSize(2.26 * 1024 * 1024)).toBe('2.3 MB');
		expect(humanSize(9.96 * 1024), '9.96 KB rounds to 10, without a decimal').toBe('10 KB');
		expect(humanSize(-1)).toBe('');
	});
});

describe('document icons', () => {
	it('knows the family from the type the server decided', () => {
		expect(documentFamily('application/pdf')).toBe('pdf');
		expect(
			documentFamily('application/vnd.openxmlformats-officedocument.wordprocessingml.document')
		).toBe('word');
		expect(documentFamily('application/zip')).toBe('archive');
		expect(documentFamily('application/x-unknown')).toBe('other');
		expect(familyLabel('notes.xyz', 'application/x-unknown')).toBe('XYZ');
		expect(familyLabel('a.pdf', 'application/pdf')).toBe('PDF');
	});
});

describe('compressionPlan', () => {
	const MB = 1024 * 1024;
	it('leaves small images alone', () => {
		expect(compressionPlan({ type: 'image/jpeg', size: MB, width: 2000, height: 1500 })).toBeNull();
	});
	it('compresses over 2 MB, keeping the pixels when they are few enough', () => {
		expect(
			compressionPlan({ type: 'image/jpeg', size: 3 * MB, width: 2000, height: 1500 })
		).toEqual({ width: 2000, height: 1500, type: 'image/jpeg' });
	});
	it('scales the longest side to 2560, and PNG becomes WebP', () => {
		expect(compressionPlan({ type: 'image/png', size: MB, width: 4000, height: 3000 })).toEqual({
			width: 2560,
			height: 1920,
			type: 'image/webp'
		});
		expect(compressionPlan({ type: 'image/jpeg', size: MB, width: 1000, height: 5120 })).toEqual({
			width: 500,
			height: 2560,
			type: 'image/jpeg'
		});
	});
	it('never touches GIF, SVG or other files', () => {
		expect(
			compressionPlan({ type: 'image/gif', size: 9 * MB, width: 4000, height: 4000 })
		).toBeNull();
		expect(
			compressionPlan({ type: 'image/svg+xml', size: 9 * MB, width: 9, height: 9 })
		).toBeNull();
		expect(
			compressionPlan({ type: 'application/pdf', size: 9 * MB, width: 1, height: 1 })
		).toBeNull();
	});
	it('names the new file by its type', () => {
		expect(compressedName('scan.png', 'image/webp')).toBe('scan.webp');
		expect(compressedName('photo.JPG', 'image/jpeg')).toBe('photo.JPG');
		expect(compressedName('photo', 'image/jpeg')).toBe('photo.jpg');
	});
});
