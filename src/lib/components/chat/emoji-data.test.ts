import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { canonicalEmoji, EMOJI_VERSION } from './emoji-data.ts';

const require = createRequire(import.meta.url);
const data = JSON.parse(
	readFileSync(require.resolve('emoji-picker-element-data/en/emojibase/data.json'), 'utf8')
) as { emoji: string; version: number; skins?: { emoji: string }[] }[];

/** The Unicode ranges the shipped emoji font covers, from its style sheet. */
function fontRanges(): [number, number][] {
	const css = readFileSync(require.resolve('@fontsource/noto-color-emoji/index.css'), 'utf8');
	return [...css.matchAll(/unicode-range:([^;]+);/g)].flatMap((match) =>
		match[1]!.split(',').map((part) => {
			const [from, to] = part.trim().replace('U+', '').split('-');
			return [parseInt(from!, 16), parseInt(to ?? from!, 16)] as [number, number];
		})
	);
}

describe('emoji data and font', () => {
	it('the picker is told every emoji of its data can be drawn', () => {
		expect(Math.max(...data.map((entry) => entry.version))).toBeLessThanOrEqual(EMOJI_VERSION);
	});

	it('the shipped font covers every code point of every emoji and skin tone in the data', () => {
		// All but one: U+1F46A FAMILY is in none of the font's subsets (families are drawn from
		// their ZWJ sequences); that one emoji falls back to the system's fonts.
		const ranges = fontRanges();
		const covered = (point: number) => ranges.some(([from, to]) => point >= from && point <= to);
		const missing = data
			.flatMap((entry) => [entry.emoji, ...(entry.skins ?? []).map((skin) => skin.emoji)])
			.filter((emoji) => ![...emoji].every((char) => covered(char.codePointAt(0)!)));
		expect(missing).toEqual(['👪\uFE0F']);
	});
});

describe('canonicalEmoji', () => {
	it('drops a variation selector that changes nothing', () => {
		expect(canonicalEmoji('👍\uFE0F')).toBe('👍');
		expect(canonicalEmoji('🎉')).toBe('🎉');
		expect(canonicalEmoji('👍🏽')).toBe('👍🏽');
	});

	it('keeps one that makes a text character an emoji', () => {
		expect(canonicalEmoji('❤\uFE0F')).toBe('❤\uFE0F');
		expect(canonicalEmoji('☺\uFE0F')).toBe('☺\uFE0F');
		expect(canonicalEmoji('#\uFE0F\u20E3')).toBe('#\uFE0F\u20E3');
	});

	it('keeps ZWJ sequences whole', () => {
		const family = '👨\u200D👩\u200D👧';
		expect(canonicalEmoji(family)).toBe(family);
		expect(canonicalEmoji('🏳\uFE0F\u200D🌈')).toBe('🏳\uFE0F\u200D🌈');
	});
});
