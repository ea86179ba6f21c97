import { defineConfig, devices } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';

const port = Number(process.env.E2E_PORT ?? 4173);
const dataDir = path.resolve('test-results', `e2e-data-${Date.now()}`);
const debianChromium = '/usr/bin/chromium';

export default defineConfig({
	testDir: 'tests/e2e',
	testMatch: '**/*.test.ts',
	outputDir: 'test-results/playwright',
	fullyParallel: false,
	workers: 1,
	// One retry in CI: browser timing (service worker install, socket reconnects) on a shared
	// two-core machine. A test that fails twice fails the run; flaky ones are reported as such.
	retries: process.env.CI ? 1 : 0,
	timeout: 60_000,
	expect: { timeout: 10_000 },
	reporter: process.env.CI ? [['list']] : [['list']],
	use: {
		baseURL: `http://localhost:${port}`,
		trace: 'retain-on-failure',
		screenshot: 'only-on-failure',
		launchOptions: {
			...(fs.existsSync(debianChromium) ? { executablePath: debianChromium } : {}),
			// Chromium otherwise reaches for Google's services at every start, which this
			// network refuses.
			args: [
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
				'--no-first-run',
				'--disable-gpu'
			]
		}
	},
	projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'] } }],
	webServer: {
		command: 'node server/main.ts',
		url: `http://localhost:${port}/api/openapi.json`,
		reuseExistingServer: false,
		timeout: 60_000,
		stdout: 'pipe',
		env: { PORT: String(port), DATA_DIR: dataDir, HOST: '127.0.0.1' }
	}
});
