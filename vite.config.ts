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

export default defineConfig({
	plugins: [scalarToastStyles(), sveltekit()],
	test: {
		include: ['src/**/*.test.ts', 'server/**/*.test.ts', 'scripts/**/*.test.ts'],
		environment: 'node',
		testTimeout: 30_000,
		hookTimeout: 60_000,
		// Integration tests each create their own database; running files in parallel
		// on a 2-core machine is fine but keep it bounded.
		maxWorkers: 2,
		fileParallelism: true
	}
});
