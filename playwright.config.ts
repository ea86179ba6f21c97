import { defineConfig, devices } from '@playwright/test';
import path from 'node:path';
import { SMTP_URL } from './tests/e2e/support/mail.ts';
import { chromiumLaunchOptions } from './tests/e2e/support/chromium.ts';

const port = Number(process.env.E2E_PORT ?? 4173);
const dataDir = path.resolve('test-results', `e2e-data-${Date.now()}`);

export default defineConfig({
	testDir: 'tests/e2e',
	testMatch: '**/*.test.ts',
	outputDir: 'test-results/playwright',
	fullyParallel: false,
	// Two workers: each test makes its own organization, so they never meet. Three shared the
	// two cores well while most tests had one or two people; with the three-person tests of
	// breakouts, broadcasts and files, three workers pushed steps past their time limits (eight
	// tests failed twice in the run of 2026-12-05 18:50), so two until the suite gets lighter.
	workers: 2,
	// One retry in CI: browser timing (service worker install, socket reconnects) on a shared
	// two-core machine. A test that fails twice fails the run; flaky ones are reported as such.
	retries: process.env.CI ? 1 : 0,
	// Two minutes a test: the workers' browsers share two cores, and a test's steps slow down
	// with them (none waits on a fixed time).
	timeout: 120_000,
	expect: { timeout: 15_000 },
	reporter: process.env.CI ? [['list']] : [['list']],
	use: {
		baseURL: `http://localhost:${port}`,
		// Each new context the service worker would install in precaches the app (about 12 MB),
		// fetches the data of every page in the sidebar and fills in the emoji font (7.6 MB): in a
		// three-person test that is most of what the two cores do. So it is blocked, and the files
		// that test what it does (offline, push, the emoji font, the CSP it carries, files and voice
		// sent offline) allow it with `test.use({ serviceWorkers: 'allow' })`.
		serviceWorkers: 'block',
		// A trace records every action's DOM and screenshots, for every test: taken only when a
		// failed test runs again (CI retries once), where it shows what went wrong.
		trace: 'on-first-retry',
		screenshot: 'only-on-failure',
		launchOptions: chromiumLaunchOptions
	},
	// The test SMTP server process, which the e2e server below sends its emails to.
	globalSetup: './tests/e2e/global-setup.ts',
	projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'] } }],
	webServer: {
		command: 'node server/main.ts',
		url: `http://localhost:${port}/api/openapi.json`,
		reuseExistingServer: false,
		timeout: 60_000,
		stdout: 'pipe',
		env: {
			PORT: String(port),
			DATA_DIR: dataDir,
			HOST: '127.0.0.1',
			SMTP_URL,
			MAIL_FROM: 'ConnectFlow <e2e@example.test>',
			// Emails of missed messages wait 60 s for more (10 minutes by default), so that a test
			// sees the batch arrive; long enough to read something on another device meanwhile.
			EMAIL_BATCH_SECONDS: '60'
		}
	}
});
