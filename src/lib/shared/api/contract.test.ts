import { describe, expect, it } from 'vitest';
import { apiContracts } from './catalog.ts';
import { offlineReads } from './contract.ts';

describe('offline reads', () => {
	const isOfflineRead = offlineReads(apiContracts);

	it('are the reads the app shows offline, with their parameters', () => {
		for (const path of [
			'/api/me',
			'/api/channels',
			'/api/channels/0b7c8a52-3f0e-4c2b-9a77-1d2e3f4a5b6c',
			'/api/structure',
			'/api/people',
			'/api/org-chart'
		]) {
			expect(isOfflineRead(path), path).toBe(true);
		}
	});

	it('leave out what must be current or is private to a moment', () => {
		for (const path of [
			'/api/sessions',
			'/api/search',
			'/api/audit',
			'/api/join-code',
			'/api/channels/0b7c8a52-3f0e-4c2b-9a77-1d2e3f4a5b6c/members',
			'/api/channels/',
			'/api/meet',
			'/api/me/../sessions'
		]) {
			expect(isOfflineRead(path), path).toBe(false);
		}
	});
});
