import { describe, expect, it } from 'vitest';
import type { Metric } from 'prom-client';
import { documentName, postMessage } from '#shared/chat/document-schema.ts';
import { useTeamOfPeople } from '#server/testing/test-app.ts';
import { useCollabHarness, waitFor } from './testing/collab-harness.ts';

/** A metric's value for `labels` (0 when it has none yet); a histogram's observation count. */
async function valueOf(
	metric: Metric | undefined,
	labels: Record<string, string> = {}
): Promise<number> {
	const { values } = await metric!.get();
	const matches = (entry: (typeof values)[number]) =>
		Object.entries(labels).every(([key, value]) => entry.labels[key] === value);
	const count = values.find(
		(entry) =>
			'metricName' in entry && String(entry.metricName).endsWith('_count') && matches(entry)
	);
	if (count) return count.value;
	return values.find(matches)?.value ?? 0;
}

/**
 * The collaboration server's metrics (metrics.extension.ts, with the ingest and the document
 * log): the counters move when a message is accepted and when one is refused, by the refusal's
 * code, and the latencies are observed.
 */
describe('collaboration metrics', () => {
	const h = useCollabHarness('pglite');
	const world = useTeamOfPeople(() => h.app, 'Metrics Co', ['Alice', 'Bob']);
	const [alice, bob] = world.people;
	const metric = (name: string) => h.app.metrics.registry.getSingleMetric(name);

	it('counts connections, documents, accepted updates and their latencies', async () => {
		const before = {
			accepted: await valueOf(metric('connectflow_collab_updates_accepted_total')),
			delivery: await valueOf(metric('connectflow_collab_delivery_seconds')),
			ack: await valueOf(metric('connectflow_collab_acknowledgement_seconds')),
			append: await valueOf(metric('connectflow_document_log_append_seconds'))
		};
		const name = documentName('channel', world.channelId('team'), 0);
		const client = await h.open(alice.token, name);
		expect(await valueOf(metric('connectflow_collab_connections'))).toBeGreaterThanOrEqual(1);
		expect(await valueOf(metric('connectflow_collab_documents_loaded'))).toBeGreaterThanOrEqual(1);

		postMessage(client.doc, alice.user.id, { text: 'counted' });
		await client.acknowledged();
		await h.collab.idle();
		expect(await valueOf(metric('connectflow_collab_updates_accepted_total'))).toBe(
			before.accepted + 1
		);
		expect(await valueOf(metric('connectflow_collab_delivery_seconds'))).toBe(before.delivery + 1);
		// The message's own entry, and the stamp the server wrote after it.
		expect(await valueOf(metric('connectflow_collab_acknowledgement_seconds'))).toBe(
			before.ack + 1
		);
		expect(await valueOf(metric('connectflow_document_log_append_seconds'))).toBeGreaterThan(
			before.append
		);
		client.destroy();
		const deadline = Date.now() + 5_000;
		while ((await valueOf(metric('connectflow_collab_connections'))) !== 0) {
			expect(Date.now()).toBeLessThan(deadline);
			await new Promise((resolve) => setTimeout(resolve, 10));
		}
	});

	it('counts a refused update by its close reason code, and not as accepted', async () => {
		const refused = () =>
			valueOf(metric('connectflow_collab_updates_refused_total'), { reason: 'refused' });
		const before = {
			refused: await refused(),
			accepted: await valueOf(metric('connectflow_collab_updates_accepted_total'))
		};
		const name = documentName('channel', world.channelId('team'), 0);
		const client = await h.open(alice.token, name);
		// Posting in someone else's name: the guard refuses it.
		postMessage(client.doc, bob.user.id, { text: 'I am Bob' });
		await waitFor(() => client.closes.length > 0, 5_000, 'the refusal');
		expect(client.closes[0]).toMatch(/^refused:/);
		expect(await refused()).toBe(before.refused + 1);
		expect(await valueOf(metric('connectflow_collab_updates_accepted_total'))).toBe(
			before.accepted
		);
		client.destroy();
	});
});
