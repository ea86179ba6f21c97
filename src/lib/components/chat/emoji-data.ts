/**
 * The emoji picker's data (emoji-picker-element-data, English, emojibase shortcodes), emitted by
 * the build as a file of the app with its content hash in the name: served by the app, cached
 * for good by browsers, precached by the service worker with the rest of the build, so the
 * picker opens offline the first time too. The picker then keeps it in its IndexedDB.
 */
import emojiDataUrl from 'emoji-picker-element-data/en/emojibase/data.json?url';

export const EMOJI_DATA_URL: string = emojiDataUrl;

/**
 * The newest Emoji version that the app's emoji font (Noto Color Emoji, shipped by the app)
 * draws; it covers every emoji of the data, which goes up to Emoji 17.0. Setting it turns off
 * the picker's guess from the system's fonts, which would hide emoji on a machine without an
 * emoji font of its own.
 */
export const EMOJI_VERSION = 17;

/** U+FE0F after a character that is drawn as an emoji anyway. */
const REDUNDANT_VARIATION_SELECTOR = /(\p{Emoji_Presentation})\uFE0F/gu;

/**
 * The emoji as reactions store it: the picker's data writes some emoji with a variation selector
 * (U+FE0F) they do not need ("👍" + FE0F), others without ("🎉"); typed or pasted, the same emoji
 * often comes without. The selector is dropped where it changes nothing, so that one emoji is one
 * reaction whatever way it came; it stays where it matters ("❤️", "☺️").
 */
export function canonicalEmoji(emoji: string): string {
	return emoji.replace(REDUNDANT_VARIATION_SELECTOR, '$1');
}
