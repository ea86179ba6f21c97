import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default ts.config(
	{
		ignores: [
			'build/',
			'.svelte-kit/',
			'node_modules/',
			'data/',
			'test-results/',
			'playwright-report/'
		]
	},
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	prettier,
	...svelte.configs.prettier,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } },
		rules: {
			'no-undef': 'off',
			'@typescript-eslint/no-unused-vars': [
				'error',
				{ argsIgnorePattern: '^_', varsIgnorePattern: '^_' }
			]
		}
	},
	{
		// Browser and shared code never import server code, not even its types: what both sides
		// need lives in src/lib/shared (the API contract in src/lib/shared/api). Server code is
		// src/lib/server, server/, hooks.server.ts and the +server/+page.server/+layout.server
		// files. Tests run in Node and may drive the real server, so they are not held to it.
		files: [
			'src/lib/client/**',
			'src/lib/components/**',
			'src/lib/shared/**',
			'src/routes/**/*.svelte',
			'src/routes/**/+page.ts',
			'src/routes/**/+layout.ts'
		],
		ignores: ['**/*.test.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: ['$lib/server', '$lib/server/*'],
							message: 'Browser and shared code do not import server code; use $lib/shared.'
						},
						{
							regex: '^((\\.\\.?/)+(.*/)?(lib/)?server(/|$)|#(server|collab)/)',
							message: 'Browser and shared code do not import server code; use $lib/shared.'
						}
					]
				}
			]
		}
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
		// Without type information (`projectService`): it made lint take four of the five minutes of
		// check and lint on a two-core machine, for two rules that could use it; the types are
		// checked by svelte-check and tsc in `npm run check`. Links whose address a variable holds
		// (made with resolve()) say so where the navigation rule cannot see it.
		languageOptions: {
			parserOptions: {
				extraFileExtensions: ['.svelte'],
				parser: ts.parser,
				svelteConfig
			}
		}
	}
);
