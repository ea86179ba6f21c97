/**
 * Which of the app's built files the service worker fetches when it installs, and which it keeps
 * later. The emoji font (Noto Color Emoji, split into files by Unicode range, about 7.6 MB in
 * all) is most of the app's weight: fetched at install it would make every new version's first
 * visit download it and fail the whole install when one file fails. Its files are therefore
 * kept when the browser first asks for one, and the rest are filled in after a visit, in the
 * background, unless the device asks to save data (then each range comes on first use only).
 */
const EMOJI_FONT_FILE = /\/noto-color-emoji-[^/]+\.woff2?$/;

export function isEmojiFontFile(path: string): boolean {
	return EMOJI_FONT_FILE.test(path);
}

export interface AssetPlan {
	/** Fetched and cached by the install step: the app's code, styles and the picker's data. */
	atInstall: string[];
	/** Cached on first use, and filled in after a visit when the device does not save data. */
	afterVisit: string[];
}

export function assetPlan(assets: Iterable<string>): AssetPlan {
	const atInstall: string[] = [];
	const afterVisit: string[] = [];
	for (const path of assets) (isEmojiFontFile(path) ? afterVisit : atInstall).push(path);
	return { atInstall, afterVisit };
}
