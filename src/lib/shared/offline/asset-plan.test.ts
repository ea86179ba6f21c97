import { describe, expect, it } from 'vitest';
import { assetPlan, isEmojiFontFile } from './asset-plan.ts';

describe('the service worker’s asset plan', () => {
	it('leaves the emoji font’s files out of the install and keeps everything else there', () => {
		const plan = assetPlan([
			'/_app/immutable/entry/start.BxY1.js',
			'/_app/immutable/assets/app.C9a.css',
			'/_app/immutable/assets/noto-color-emoji-0-400-normal.DkQ2x1.woff',
			'/_app/immutable/assets/noto-color-emoji-10-400-normal.Ab12.woff',
			'/emoji/data.json',
			'/favicon.svg'
		]);
		expect(plan.atInstall).toEqual([
			'/_app/immutable/entry/start.BxY1.js',
			'/_app/immutable/assets/app.C9a.css',
			'/emoji/data.json',
			'/favicon.svg'
		]);
		expect(plan.afterVisit).toHaveLength(2);
		expect(isEmojiFontFile('/noto-color-emoji.txt')).toBe(false);
	});
});
