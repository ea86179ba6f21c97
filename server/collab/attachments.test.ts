import { beforeAll, expect, it } from 'vitest';
import { describeEachHarness } from './testing/collab-suite.ts';
import {
	documentName,
	listMessages,
	messageKey,
	postMessage,
	userRoot
} from '#shared/chat/document-schema.ts';
import type { UploadedFile } from '#shared/files/files.schema.ts';
import { useTeamOfPeople, type SignedInPerson as Person } from '#server/testing/test-app.ts';
import * as samples from '#server/files/testing/samples.ts';
import { uploadBytes } from '#server/files/testing/upload.ts';
import { connectClient, waitFor, type TestClient } from './testing/collab-harness.ts';

/**
 * A message names its files by id; the server accepts only files its author uploaded to that
 * conversation, described as they were uploaded, and carried by no other message.
 */
describeEachHarness('files carried by messages on %s', (h) => {
	const world = useTeamOfPeople(() => h.app, 'Attachments Co', ['Alice', 'Bob']);
	const [alice, bob] = world.people;
	let team: string;
	let dm: string;
	beforeAll(async () => {
		team = world.channelId('team');
		dm = (await h.app.channels.openDm(alice.user, { memberIds: [bob.user.id] })).id;
	});

	/** Uploads as the person is now (placed in the team after their session began). */
	async function upload(person: Person, channelId: string, bytes: Uint8Array, name: string) {
		const { user } = (await h.app.auth.validateToken(person.token))!;
		return uploadBytes(h.app.files, user, channelId, bytes, name);
	}

	async function opened(person: Person, name: string): Promise<TestClient> {
		const client = connectClient(h.url, person.token, name);
		await client.synced;
		return client;
	}

	const messageIdOf = async (fileId: string) => {
		const [row] = await h.app.database.sql<{ messageId: string | null }[]>`
			select message_id as "messageId" from files where id = ${fileId}`;
		return row?.messageId ?? null;
	};

	it('accepts the author’s own files of the conversation and ties them to the message', async () => {
		const report = await upload(alice, team, samples.pdf, 'report.pdf');
		const photo = await upload(alice, team, samples.png, 'photo.png');
		const writer = await opened(alice, documentName('channel', team, 0));
		const reader = await opened(bob, documentName('channel', team, 0));
		const posted = postMessage(writer.doc, alice.user.id, {
			text: 'The report and a photo',
			attachments: [report, photo]
		});
		await writer.acknowledged();
		await waitFor(
			() => listMessages(reader.doc).some((m) => m.id === posted.id),
			5_000,
			'the post'
		);
		const seen = listMessages(reader.doc).find((m) => m.id === posted.id)!;
		expect(seen.attachments.map((a) => a.name)).toEqual(['report.pdf', 'photo.png']);
		await h.collab.idle();
		await expect.poll(() => messageIdOf(photo.id), { timeout: 5_000 }).toBe(posted.id);
		expect(await messageIdOf(report.id)).toBe(posted.id);
		writer.destroy();
		reader.destroy();
	});

	it('refuses files of another person, another conversation, another message or altered', async () => {
		const bobs = await upload(bob, team, samples.pdf, 'bob.pdf');
		const inDm = await upload(alice, dm, samples.pdf, 'private.pdf');
		const carried = await upload(alice, team, samples.pdf, 'once.pdf');
		const honest = await upload(alice, team, samples.pdf, 'honest.pdf');
		const first = await opened(alice, documentName('channel', team, 0));
		postMessage(first.doc, alice.user.id, { text: 'first', attachments: [carried] });
		await first.acknowledged();
		await expect.poll(() => messageIdOf(carried.id), { timeout: 5_000 }).not.toBeNull();
		first.destroy();

		const attempts: [string, UploadedFile][] = [
			['another person’s file', bobs],
			['a file of another conversation', inDm],
			['a file another message carries', carried],
			['a file said to be bigger', { ...honest, size: honest.size + 1 }],
			['a file renamed in the message', { ...honest, name: 'payroll.xlsx' }],
			['a file that does not exist', { ...honest, id: crypto.randomUUID() }]
		];
		// Eleven files in one message: the message itself is refused, whatever the files.
		const eleven = await opened(alice, documentName('channel', team, 0));
		// Written past the app's own check, as a hostile client would.
		const id = crypto.randomUUID();
		eleven.doc.getMap(userRoot(alice.user.id)).set(messageKey(id), {
			id,
			text: 'eleven files',
			createdAt: Date.now(),
			mentions: [],
			attachments: Array.from({ length: 11 }, () => honest),
			version: 1
		});
		await waitFor(() => eleven.closes.length > 0, 5_000, 'the refusal of eleven files');
		expect(eleven.closes[0]).toMatch(/^refused/);
		eleven.destroy();
		const refusals: [string, string][] = [];
		for (const [what, attachment] of attempts) {
			const client = await opened(alice, documentName('channel', team, 0));
			postMessage(client.doc, alice.user.id, { text: what, attachments: [attachment] });
			await waitFor(() => client.closes.length > 0, 5_000, `the refusal of ${what}`);
			refusals.push([what, client.closes[0]!.split(':')[0]!]);
			client.destroy();
		}
		expect(refusals).toEqual(attempts.map(([what]) => [what, 'refused']));

		await h.collab.idle();
		const watcher = await opened(bob, documentName('channel', team, 0));
		const texts = listMessages(watcher.doc).map((m) => m.text);
		expect(texts).toContain('first');
		for (const [what] of attempts) expect(texts).not.toContain(what);
		expect(await messageIdOf(honest.id)).toBeNull();
		expect(await messageIdOf(bobs.id)).toBeNull();
		watcher.destroy();
	});
});
