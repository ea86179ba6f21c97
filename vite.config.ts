import { sveltekit } from '@sveltejs/kit/vite';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * @scalar/use-toasts (part of the API reference on /api/docs) carries its CSS inside its
 * JavaScript and injects it as an inline <style> when imported, which the Content-Security-Policy
 * (style-src 'self') refuses. This hands the same CSS to Vite as a style sheet instead, served as
 * a file like ours. The build fails if the package stops injecting its CSS this way, so that a
 * Scalar upgrade cannot silently bring the violation back.
 */
function scalarToastStyles(): Plugin {
	const module = /[\\/]@scalar[\\/]use-toasts[\\/]dist[\\/]index\.js$/;
	const injection =
		/^\(function\(\) \{\s*try \{\s*if \(typeof document != "undefined"\) \{\s*var elementStyle = document\.createElement\("style"\);\s*elementStyle\.appendChild\(document\.createTextNode\(("(?:[^"\\]|\\.)*")\)\);\s*document\.head\.appendChild\(elementStyle\);\s*\}\s*\} catch \(e\) \{\s*console\.error\("vite-plugin-css-injected-by-js", e\);\s*\}\s*\}\)\(\);/;
	const sheet = 'virtual:scalar-toasts.css';
	let css: string | null = null;
	return {
		name: 'connectflow:scalar-toast-styles',
		enforce: 'pre',
		resolveId: (id) => (id === sheet ? `\0${sheet}` : null),
		load: (id) => (id === `\0${sheet}` ? (css ?? '') : null),
		transform(code, id) {
			if (!module.test(id)) return null;
			const found = injection.exec(code);
			if (!found)
				throw new Error(`${id} no longer injects its CSS as expected: see vite.config.ts`);
			css = JSON.parse(found[1]!) as string;
			return {
				code: `import ${JSON.stringify(sheet)};\n${code.slice(found[0].length)}`,
				map: null
			};
		}
	};
}

/**
 * The emoji font (@fontsource/noto-color-emoji) lists a woff2 and a woff file per Unicode range,
 * woff2 first. Its woff2 files carry the colour glyphs only as SVG, which Chromium does not draw
 * (emoji come out blank); its woff files also carry them as COLR, which Chromium and Firefox draw
 * (Safari takes the SVG). So the woff2 sources are dropped: browsers load the woff files, and the
 * woff2 ones are not even emitted. The build fails if the package's CSS stops listing them this
 * way, so that an upgrade is looked at (it may fix its woff2 files).
 */
function emojiFontWoffOnly(): Plugin {
	const sheet = /[\\/]@fontsource[\\/]noto-color-emoji[\\/]index\.css(\?.*)?$/;
	const woff2 = /url\(\.\/files\/noto-color-emoji-\d+-400-normal\.woff2\) format\('woff2'\), /g;
	return {
		name: 'connectflow:emoji-font-woff-only',
		enforce: 'pre',
		transform(code, id) {
			if (!sheet.test(id)) return null;
			const faces = code.match(/@font-face/g)?.length ?? 0;
			// Text characters of the font (keycap bases and © ®) stay with the text fonts, so that
			// the emoji font can come first in the text stack: see --font-sans in app.css.
			const stripped = code.replace(woff2, '').replace('U+23,U+2a,U+30-39,U+a9,U+ae,', '');
			if (
				faces === 0 ||
				!code.includes('U+23,U+2a,U+30-39,U+a9,U+ae,') ||
				stripped.includes('.woff2')
			)
				throw new Error(`${id} no longer lists its woff2 files as expected: see vite.config.ts`);
			return { code: stripped, map: null };
		}
	};
}

export default defineConfig({
	plugins: [scalarToastStyles(), emojiFontWoffOnly(), sveltekit()],
	test: {
		include: ['src/**/*.test.ts', 'server/**/*.test.ts', 'scripts/**/*.test.ts'],
		environment: 'node',
		testTimeout: 30_000,
		hookTimeout: 60_000,
		// Integration tests each create their own database, and most of their time is waiting
		// (sockets, job queues, timers, child processes): three files at once keep a 2-core
		// machine busy without starving any (two left both cores half idle).
		maxWorkers: 3,
		fileParallelism: true
	}
});
