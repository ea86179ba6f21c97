import type { DatabaseKind } from '#server/testing/test-database.ts';
import { describeEachDatabase } from '#server/testing/each-database.ts';
import { useCollabHarness, type CollabHarness } from './collab-harness.ts';

/**
 * A suite run once on each database kind reachable here (see describeEachDatabase), around a
 * collaboration harness of its own (see useCollabHarness).
 */
export function describeEachHarness(
	title: string,
	suite: (h: CollabHarness, kind: DatabaseKind) => void
): void {
	describeEachDatabase(title, (kind) => suite(useCollabHarness(kind), kind));
}
