import { describe } from 'vitest';
import { availableDatabaseKinds, type DatabaseKind } from './test-database.ts';
import { useTestApp, type TestApp } from './test-app.ts';

/** The database kinds every integration suite runs on here (see availableDatabaseKinds). */
export const databaseKinds = await availableDatabaseKinds();

/** A suite run once on each of `databaseKinds`; `%s` in its title names the kind. */
export function describeEachDatabase(title: string, suite: (kind: DatabaseKind) => void): void {
	describe.each(databaseKinds)(title, suite);
}

/** A suite run once on each of `databaseKinds`, around a test app of its own (see useTestApp). */
export function describeEachApp(
	title: string,
	suite: (app: TestApp, kind: DatabaseKind) => void
): void {
	describeEachDatabase(title, (kind) => suite(useTestApp(kind), kind));
}
