import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { cspDirectives } from './src/lib/server/http/content-security-policy.js';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	compilerOptions: { runes: true },
	kit: {
		adapter: adapter({ out: 'build' }),
		// The origin check is done in hooks.server.ts (handleOrigin) so that a refused API call
		// answers in the API's JSON error format; the WebSocket upgrade applies the same rule.
		csrf: { trustedOrigins: ['*'] },
		// Nonces on rendered pages, hashes on prerendered ones; see content-security-policy.js.
		csp: { mode: 'auto', directives: cspDirectives }
	}
};

export default config;
