import * as Y from 'yjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/each-database.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { applyStored, DocumentRepository } from './document.repository.ts';

describeEachDatabase('stored documents on %s', (kind) => {
	let database: TestDatabase;
	let documents: DocumentRepository;
	beforeAll(async () => {
		database = await createTestDatabase(kind);
		documents = new DocumentRepository(database.sql);
	});
	afterAll(() => database.close());

	const textOf = (name: string) => async () => {
		const doc = new Y.Doc();
		applyStored(doc, await documents.load(name));
		return doc.getArray<string>('lines').toArray();
	};

	it('loads what was logged and what was compacted, in order', async () => {
		const name = 'channel.loaded.0';
		const doc = new Y.Doc();
		const logged: Uint8Array[] = [];
		doc.on('update', (update: Uint8Array) => logged.push(update));
		for (const line of ['one', 'two', 'three']) doc.getArray<string>('lines').push([line]);
		const seqs = await documents.appendMany(logged.map((update) => ({ name, update })));
		await documents.compact(name, Y.encodeStateAsUpdate(doc), seqs[1]!);
		doc.getArray<string>('lines').push(['four']);
		await documents.appendMany([{ name, update: logged.at(-1)! }]);

		const stored = await documents.load(name);
		expect(stored.state).not.toBeNull();
		expect(stored.updates.map((entry) => typeof entry.seq)).toEqual(['number', 'number']);
		expect(await textOf(name)()).toEqual(['one', 'two', 'three', 'four']);
	});

	it('never loads an empty document while another process compacts it', async () => {
		// The race of two processes: one unloads the document (compacts: writes the state,
		// deletes the log), the other opens it at that moment. Every load must see the lines.
		const name = 'channel.compacting.0';
		const doc = new Y.Doc();
		let last: Uint8Array = new Uint8Array();
		doc.on('update', (update: Uint8Array) => (last = update));
		const load = textOf(name);
		const seen: number[] = [];
		for (let round = 0; round < 60; round += 1) {
			doc.getArray<string>('lines').push([`line ${round}`]);
			const [seq] = await documents.appendMany([{ name, update: last }]);
			const state = Y.encodeStateAsUpdate(doc);
			const [, ...loads] = await Promise.all([
				documents.compact(name, state, seq!),
				load(),
				load(),
				load()
			]);
			for (const lines of loads) seen.push(lines.length);
		}
		const short = seen.filter((count, index) => count < Math.floor(index / 3) + 1);
		expect(short, `loads that missed lines, of ${seen.length}`).toEqual([]);
	});
});
