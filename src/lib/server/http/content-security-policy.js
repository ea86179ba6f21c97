import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { getThemeStyles } from '@scalar/themes';
import { themeBootstrapScript } from '../../components/shell/theme-bootstrap.js';
import { reconnectingPageStyle } from './reconnecting-page.js';

/**
 * The one Content-Security-Policy of ConnectFlow. svelte.config.js hands these directives to
 * SvelteKit (`kit.csp`), which adds a fresh nonce for its own inline scripts on each rendered
 * page (a hash on prerendered ones); hooks.server.ts and server/main.ts send the same policy,
 * without a nonce, on every other answer (API JSON, the service worker script, static files).
 *
 * - Scripts: our own files, SvelteKit's bootstrap by nonce, and the theme bootstrap by its hash;
 *   never 'unsafe-inline', so an injected inline script or event handler does not run.
 * - Styles: our own style sheets; style *attributes* stay allowed ('unsafe-inline' in
 *   style-src-attr only) because Svelte renders `style="…"` and `style:` directives, and the
 *   app shell in app.html carries one. A style attribute cannot run script. One inline <style>
 *   element is allowed by its hash: the theme that the API reference (Scalar, /api/docs)
 *   always renders into a <style> of its own, with no option to load it from a file; the
 *   emoji picker's (emoji-picker-element), which puts its style sheet in a <style> of its
 *   shadow root; and the one of the "Reconnecting…" page (reconnecting-page.js), which must
 *   not need a request.
 * - connect-src 'self' also covers ws:/wss: to our own host (CSP Level 3), which the
 *   collaboration socket on /collab uses.
 */
const sha256 = (/** @type {string} */ text) =>
	/** @type {`sha256-${string}`} */ (
		`sha256-${createHash('sha256').update(text).digest('base64')}`
	);

const themeBootstrapHash = sha256(themeBootstrapScript);

/**
 * The <style> text Scalar renders: `${customCss}\n${getThemeStyles(theme, { fonts })}` (see
 * ApiReference.vue in @scalar/api-reference), for the configuration of
 * src/routes/api/docs/+page.svelte: no custom CSS, theme 'none', no default fonts. The e2e CSP
 * test fails on /api/docs if an upgrade of Scalar changes it.
 */
export const apiReferenceThemeStyle = `\n${getThemeStyles('none', { fonts: false })}`;

/**
 * The <style> text the emoji picker (emoji-picker-element) puts in its shadow root:
 * `baseStyles + EXTRA_STYLES` of its picker.js, where EXTRA_STYLES declares its default
 * `--emoji-font-family` (FONT_FAMILY). The module defines a custom element, so it cannot be
 * imported on the server; its source is read instead. An upgrade that changes how these are
 * written fails here, at start, and the e2e CSP test checks the picker reports no violation.
 */
export const emojiPickerStyle = (() => {
	const source = readFileSync(
		createRequire(import.meta.url).resolve('emoji-picker-element/picker.js'),
		'utf8'
	);
	const baseStyles = /^var baseStyles = ("(?:[^"\\]|\\.)*");$/m.exec(source)?.[1];
	const fontFamily = /^const FONT_FAMILY = '([^']*)' \+\s*'([^']*)';$/m.exec(source);
	if (
		!baseStyles ||
		!fontFamily ||
		!source.includes('style.textContent = baseStyles + EXTRA_STYLES')
	) {
		throw new Error('emoji-picker-element/picker.js: its style sheet is no longer where expected');
	}
	return `${JSON.parse(baseStyles)}:host{--emoji-font-family:${fontFamily[1]}${fontFamily[2]}}`;
})();

/** @type {NonNullable<NonNullable<import('@sveltejs/kit').KitConfig['csp']>['directives']>} */
export const cspDirectives = {
	'default-src': ['self'],
	'script-src': ['self', themeBootstrapHash],
	'style-src': [
		'self',
		sha256(apiReferenceThemeStyle),
		sha256(emojiPickerStyle),
		sha256(reconnectingPageStyle)
	],
	'style-src-attr': ['unsafe-inline'],
	'img-src': ['self', 'data:', 'blob:'],
	// Voice messages play from memory (VoicePlayer.svelte: a recorded WebM seeks only there).
	'media-src': ['self', 'blob:'],
	'font-src': ['self'],
	'connect-src': ['self'],
	'worker-src': ['self'],
	'manifest-src': ['self'],
	'object-src': ['none'],
	'base-uri': ['none'],
	'form-action': ['self'],
	'frame-ancestors': ['none']
};

const keywords = new Set(['self', 'none', 'unsafe-inline', 'unsafe-eval', 'strict-dynamic']);

/** The policy as a header value, for answers that SvelteKit does not render. */
export const contentSecurityPolicy = Object.entries(cspDirectives)
	.map(([name, sources]) => {
		const quoted = /** @type {string[]} */ (sources ?? []).map((source) =>
			keywords.has(source) || /^(sha\d{3}|nonce)-/.test(source) ? `'${source}'` : source
		);
		return [name, ...quoted].join(' ');
	})
	.join('; ');
