import { describe, expect, it } from 'vitest';
import { ApiError } from '$lib/client/api.ts';
import type { UploadedFile } from '$lib/shared/files/files.schema.ts';
import { Outbox, type OutboxEntry, type OutboxStore } from './outbox.svelte.ts';

function memoryStore(initial: OutboxEntry[] = []) {
	const rows = new Map(initial.map((entry) => [entry.id, structuredClone(entry)]));
	const store: OutboxStore = {
		all: async () => [...rows.values()].map((entry) => structuredClone(entry)),
		put: async (entry) => {
			rows.set(entry.id, structuredClone(entry));
		},
		delete: async (id) => {
			rows.delete(id);
		}
	};
	return { store, rows };
}

const entry = (id: string, createdAt: number, names: string[], channelId = 'c1'): OutboxEntry => ({
	id,
	channelId,
	threadId: null,
	text: `message ${id}`,
	mentions: [],
	createdAt,
	files: names.map((name) => ({ name, blob: new Blob([name]), uploaded: null }))
});

const answer = (name: string): UploadedFile => ({
	id: `00000000-0000-4000-8000-${String(name.length).padStart(12, '0')}`,
	name,
	size: name.length,
	mimeType: 'image/png',
	kind: 'image',
	width: 10,
	height: 10
});

describe('Outbox', () => {
	it('loads this conversation’s messages, oldest first, and sends them in order', async () => {
		const { store, rows } = memoryStore([
			entry('b', 2, ['two.png']),
			entry('a', 1, ['one.png', 'uno.png']),
			entry('x', 0, ['other.png'], 'c2')
		]);
		const uploaded: string[] = [];
		const outbox = new Outbox(
			() => 'c1',
			store,
			async (_channel, _blob, name) => {
				uploaded.push(name);
				return answer(name);
			}
		);
		await outbox.load();
		expect(outbox.entries.map((e) => e.id)).toEqual(['a', 'b']);
		const posted: { id: string; files: string[] }[] = [];
		await outbox.flush((message, attachments) =>
			posted.push({ id: message.id, files: attachments.map((a) => a.name) })
		);
		expect(uploaded).toEqual(['one.png', 'uno.png', 'two.png']);
		expect(posted).toEqual([
			{ id: 'a', files: ['one.png', 'uno.png'] },
			{ id: 'b', files: ['two.png'] }
		]);
		expect(outbox.entries).toEqual([]);
		expect([...rows.keys()], 'only the other conversation’s message is left').toEqual(['x']);
	});

	it('stops without a connection, keeping what was uploaded, and goes on later', async () => {
		const { store, rows } = memoryStore([entry('a', 1, ['one.png', 'two.png'])]);
		let online = true;
		const uploaded: string[] = [];
		const outbox = new Outbox(
			() => 'c1',
			store,
			async (_channel, _blob, name) => {
				if (!online) throw new ApiError('NETWORK', 'offline', 0);
				uploaded.push(name);
				online = false;
				return answer(name);
			}
		);
		await outbox.load();
		const posted: string[] = [];
		await outbox.flush((message) => posted.push(message.id));
		expect(posted, 'nothing posted without all its files').toEqual([]);
		expect(rows.get('a')!.files[0]!.uploaded?.name, 'the first upload was kept').toBe('one.png');
		expect(outbox.problem).toBeNull();
		online = true;
		await outbox.flush((message) => posted.push(message.id));
		expect(uploaded, 'one.png was not uploaded twice').toEqual(['one.png', 'two.png']);
		expect(posted).toEqual(['a']);
	});

	it('a refused file holds its message with the reason until discarded', async () => {
		const { store } = memoryStore([entry('a', 1, ['bad.png']), entry('b', 2, ['good.png'])]);
		const outbox = new Outbox(
			() => 'c1',
			store,
			async (_channel, _blob, name) => {
				if (name === 'bad.png') {
					throw new ApiError(
						'UNSUPPORTED_FILE_TYPE',
						'bad.png was not accepted: its content is HTML.',
						415
					);
				}
				return answer(name);
			}
		);
		await outbox.load();
		const posted: string[] = [];
		await outbox.flush((message) => posted.push(message.id));
		expect(outbox.problem).toEqual({
			id: 'a',
			message: 'bad.png was not accepted: its content is HTML.'
		});
		expect(posted, 'the later message waits behind it').toEqual([]);
		await outbox.discard('a');
		await outbox.flush((message) => posted.push(message.id));
		expect(posted).toEqual(['b']);
	});
});
