import { describe, expect, it } from 'vitest';
import type { ListedMessage } from '$lib/shared/chat/document-schema.ts';
import { listedMessage, numberedId } from '$lib/shared/chat/listing.testing.ts';
import { SearchClient } from './search-client.ts';

const ME = '00000000-0000-4000-8000-000000000001';
const CHANNEL = '00000000-0000-4000-8000-0000000000c1';

function listed(id: number, text: string, extra: Partial<ListedMessage> = {}): ListedMessage {
	return listedMessage({
		authorId: ME,
		id: numberedId(id, '10000000'),
		text,
		createdAt: 1_000 + id,
		acceptedAt: 2_000 + id,
		...extra
	});
}

/** Everything the client finds for `q`, unfiltered, as Me. */
function searchAll(client: SearchClient, q: string, limit: number) {
	return client.search({ q, meId: ME, authorIds: null, channelIds: null, readable: null, limit });
}

async function find(client: SearchClient, q: string): Promise<string[]> {
	const result = await searchAll(client, q, 20);
	return result.hits.map((hit) => hit.message.text);
}

describe('SearchClient (the index fed by conversation listings)', () => {
	it('indexes listings as they arrive, change and go', async () => {
		const client = new SearchClient(ME, { worker: false });
		const first = listed(1, 'Deployment window is Friday');
		const second = listed(2, 'Release notes drafted');
		client.listed(CHANNEL, 0, [first, second]);
		expect(await find(client, 'deplo')).toEqual(['Deployment window is Friday']);

		// An edit arrives: the old words no longer match, the new ones do.
		client.listed(CHANNEL, 0, [
			{ ...first, text: 'Deployment window is Monday', version: 2, editedAt: 5 },
			second
		]);
		expect(await find(client, 'frid')).toEqual([]);
		expect(await find(client, 'mond')).toEqual(['Deployment window is Monday']);

		// A deletion: the message is not searchable any more.
		client.listed(CHANNEL, 0, [{ ...first, text: '', deleted: true, version: 3 }, second]);
		expect(await find(client, 'deplo')).toEqual([]);

		// A message that vanished from the shard (retention) goes too.
		client.listed(CHANNEL, 0, []);
		expect(await find(client, 'rele')).toEqual([]);

		// Pending messages are searchable (offline), and found again once accepted.
		const pending = listed(3, 'Offline draft about budgets', { acceptedAt: null });
		client.listed(CHANNEL, 0, [pending]);
		const result = await searchAll(client, 'budg', 5);
		expect(result.hits[0]?.message.pending).toBe(true);
		client.listed(CHANNEL, 0, [{ ...pending, acceptedAt: 9_999 }]);
		const accepted = await searchAll(client, 'budg', 5);
		expect(accepted.hits[0]?.message).toMatchObject({ pending: false, time: 9_999 });

		// Access lost: the channel's messages go.
		client.removeChannel(CHANNEL);
		expect(await find(client, 'budg')).toEqual([]);
		await client.close();
	});
});
