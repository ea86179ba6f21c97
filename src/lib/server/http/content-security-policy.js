import { createHash } from 'node:crypto';
import { themeBootstrapScript } from '../../components/shell/theme-bootstrap.js';

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
 *   app shell in app.html carries one. A style attribute cannot run script.
 * - connect-src 'self' also covers ws:/wss: to our own host (CSP Level 3), which the
 *   collaboration socket on /collab uses.
 */
const themeBootstrapHash = `sha256-${createHash('sha256').update(themeBootstrapScript).digest('base64')}`;

/** @type {NonNullable<NonNullable<import('@sveltejs/kit').KitConfig['csp']>['directives']>} */
export const cspDirectives = {
	'default-src': ['self'],
	'script-src': ['self', /** @type {`sha256-${string}`} */ (themeBootstrapHash)],
	'style-src': ['self'],
	'style-src-attr': ['unsafe-inline'],
	'img-src': ['self', 'data:', 'blob:'],
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
