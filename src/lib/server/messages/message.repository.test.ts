import { randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { describeEachApp } from '../testing/each-database.ts';
import { MessageRepository, type MessageRecord } from './message.repository.ts';

describeEachApp('message record on %s', (app) => {
	let repository: MessageRepository;
	let channelId: string;
	let authorId: string;
	let otherId: string;

	beforeAll(async () => {
		const org = await app.createOrganization('Recorded');
		authorId = org.admin.id;
		otherId = (await app.join(org.joinCode, 'Other Person')).user.id;
		channelId = (await app.channels.list(org.admin)).find((c) => c.kind === 'announcements')!.id;
		repository = new MessageRepository(app.database.sql);
	});

	const at = new Date('2026-11-20T10:00:00Z');
	function version(id: string, n: number, text: string, by = authorId): MessageRecord {
		return {
			id,
			channelId,
			shard: 0,
			authorId: by,
			threadId: null,
			text,
			mentions: [],
			attachments: [],
			version: n,
			createdAt: at,
			acceptedAt: at,
			editedAt: n > 1 ? new Date(at.getTime() + n * 1000) : null,
			deleted: false
		};
	}

	const row = async (id: string) =>
		(
			await app.database.sql<{ text: string; version: number; author: string }[]>`
				select text, version, author_id as author from messages where id = ${id}`
		)[0];

	it('writes a batch holding several versions of one message, keeping every version', async () => {
		const edited = randomUUID();
		const other = randomUUID();
		await repository.upsertMany([
			version(edited, 1, 'first'),
			version(other, 1, 'another message'),
			version(edited, 3, 'third'),
			version(edited, 2, 'second')
		]);
		expect(await row(edited)).toMatchObject({ text: 'third', version: 3 });
		expect(await row(other)).toMatchObject({ text: 'another message', version: 1 });
		expect((await repository.history(edited)).map((v) => [v.version, v.text])).toEqual([
			[1, 'first'],
			[2, 'second'],
			[3, 'third']
		]);
	});

	it('never moves a message back, nor lets anyone but its author advance it', async () => {
		const id = randomUUID();
		await repository.upsertMany([version(id, 2, 'current')]);
		await repository.upsertMany([version(id, 1, 'older, arriving late')]);
		await repository.upsertMany([version(id, 5, 'forged', otherId)]);
		expect(await row(id)).toMatchObject({ text: 'current', version: 2, author: authorId });
		// Writing the same batch again changes nothing (load-time reconcile relies on it).
		await repository.upsertMany([version(id, 2, 'current')]);
		expect((await repository.history(id)).filter((v) => v.version === 2)).toHaveLength(1);
	});

	it('accepts an empty batch', async () => {
		await expect(repository.upsertMany([])).resolves.toBeUndefined();
	});
});
