import { expect, type Page } from '@playwright/test';

/**
 * Picks an emoji in the open emoji picker (emoji-picker-element, in a popover): searches for it
 * by name, then clicks it. Playwright's CSS and role locators reach into its shadow root.
 */
export async function pickEmoji(page: Page, search: string, emoji: string) {
	const picker = page.getByTestId('emoji-picker');
	await expect(picker).toBeVisible();
	await picker.locator('input#search').fill(search);
	// Its data writes some emoji with a variation selector (U+FE0F) after them.
	await picker.locator(`[role="option"][id^="emo-${emoji}"]`).click();
	await expect(picker).toHaveCount(0);
}

/**
 * Whether `emoji` is drawn in colour with the font stack `family`: drawn once in black and once
 * in white, a colour glyph gives the same pixels both times (a missing glyph, a box or a
 * monochrome fallback takes the fill colour). The way emoji-picker-element tests support.
 */
export async function drawnInColour(page: Page, emoji: string, family: string): Promise<boolean> {
	return page.evaluate(
		async ({ emoji, family }) => {
			await document.fonts.load(`32px ${family}`, emoji);
			const sample = (fill: string) => {
				const canvas = document.createElement('canvas');
				canvas.width = canvas.height = 40;
				const context = canvas.getContext('2d', { willReadFrequently: true })!;
				context.textBaseline = 'top';
				context.font = `32px ${family}`;
				context.fillStyle = fill;
				context.fillText(emoji, 2, 2);
				return context.getImageData(0, 0, 40, 40).data;
			};
			const black = sample('#000');
			const white = sample('#fff');
			let coloured = 0;
			for (let index = 0; index < black.length; index += 4) {
				const [r, g, b, a] = [black[index], black[index + 1], black[index + 2], black[index + 3]];
				const same =
					r === white[index] &&
					g === white[index + 1] &&
					b === white[index + 2] &&
					a === white[index + 3];
				if (same && a! > 200 && !(r === g && g === b)) coloured++;
			}
			return coloured > 20;
		},
		{ emoji, family }
	);
}
