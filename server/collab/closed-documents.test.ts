import { beforeAll, describe, expect, it } from 'vitest';
import { useTeamOfPeople } from '#server/testing/test-app.ts';
import { documentName, listMessages, postMessage } from '#shared/chat/document-schema.ts';
import { useCollabHarness, waitFor } from './testing/collab-harness.ts';

/**
 * After the server closes a document's connection (a refusal such as "resync" or "stale"), what
 * the client sent for it meanwhile, and the close its provider sends when it detaches to connect
 * again, must not reach the document's next connection: they closed it as it opened, and every
 * update sent after that was kept in a queue nothing reads (shown as "sending" forever).
 */
describe('a document the server closed', () => {
	const h = useCollabHarness('pglite');
	const world = useTeamOfPeople(() => h.app, 'Closed Co', ['Alice'], {
		team: 'Tier one',
		department: 'Support'
	});
	const [alice] = world.people;
	let name: string;
	beforeAll(() => {
		name = documentName('channel', world.channelId('team', 'Tier one'), 0);
	});

	it('opens again cleanly: what the client sends next is accepted', async () => {
		const client = await h.open(alice.token, name);
		const stamped = (id: string) =>
			listMessages(client.doc).find((message) => message.id === id)?.acceptedAt != null;
		const before = postMessage(client.doc, alice.user.id, { text: 'before the close' });
		await waitFor(() => stamped(before.id), 5_000, 'the first message stamped');

		for (let round = 0; round < 3; round++) {
			const closes = client.closes.length;
			// The server closes the document (as a refusal does); the harness opens it again
			// (detach, then attach), as the app does after "resync".
			h.collab.hocuspocus.closeConnections(name);
			await waitFor(() => client.closes.length > closes, 5_000, 'the close');
			client.provider.reconnectDocument();
			await waitFor(() => client.provider.isSynced, 5_000, 'the document open again');
			await new Promise((resolve) => setTimeout(resolve, 300));
			const after = postMessage(client.doc, alice.user.id, { text: `after close ${round}` });
			await waitFor(() => stamped(after.id), 5_000, `message ${round} stamped`);
			expect(client.provider.hasUnsyncedChanges).toBe(false);
		}
	});
});
