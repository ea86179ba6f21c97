import { afterAll, beforeAll } from 'vitest';

/**
 * What `open` makes, for the suite this is called in: opened before the suite's tests (and before
 * the suite's own `beforeAll`, registered after this one), closed after them (after its own
 * `afterAll`: vitest runs those hooks in reverse). The object is the same throughout, so a test
 * can hold it from the start.
 */
export function openForSuite<T extends { close(): unknown }>(
	open: () => Promise<T>,
	timeoutMs?: number
): T {
	const opened = {} as T;
	beforeAll(async () => {
		Object.assign(opened, await open());
	}, timeoutMs);
	afterAll(() => opened.close());
	return opened;
}
