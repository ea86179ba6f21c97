import fs from 'node:fs';
import type { LaunchOptions } from '@playwright/test';

const debianChromium = '/usr/bin/chromium';

/** How the browser tests start Chromium: the system's build when there is one. */
export const chromiumLaunchOptions = {
	...(fs.existsSync(debianChromium) ? { executablePath: debianChromium } : {}),
	// Chromium otherwise reaches for Google's services at every start, which this network refuses.
	args: [
		'--disable-background-networking',
		'--disable-component-update',
		'--disable-sync',
		'--no-first-run',
		'--disable-gpu'
	]
} satisfies LaunchOptions;
