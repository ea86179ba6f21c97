import { randomUUID } from 'node:crypto';
import { unzipSync, strFromU8 } from 'fflate';
import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExportInfo } from '#shared/api/exports.schema.ts';
import type { SessionUser } from '#shared/api/auth.schema.ts';
import { MessageRepository } from '../messages/message.repository.ts';
import { recordedMessage } from '../messages/testing/recorded-message.ts';
import * as samples from '../files/testing/samples.ts';
import { uploadBytes } from '../files/testing/upload.ts';
import { databaseFingerprint } from '../testing/database-fingerprint.ts';
import { useServedApp } from '../testing/served-app.ts';
import type { SignedInPerson } from '../testing/test-app.ts';
import { availableDatabaseKinds } from '../testing/test-database.ts';
import type { ExportLine } from './export-records.ts';

/**
 * Compliance exports over real HTTP: a channel with an edit, an author's deletion, a
 * moderator's deletion, a thread reply and a file, exported through the job queue into a ZIP
 * that is downloaded through its signed link and read back (JSON lines, CSV, EML, the file);
 * a self-export; and the refusals, each with its stable code and nothing changed.
 */
const kinds = await availableDatabaseKinds();

describe.each(kinds)('compliance export (%s)', (kind) => {
	const { app, server, send: api } = useServedApp(kind);
	let admin: SignedInPerson;
	let manager: SignedInPerson;
	let mo: SignedInPerson;
	let bea: SignedInPerson;
	let teamChannel: string;
	let otherTeamChannel: string;
	const ids = { posted: '', edited: '', deletedByAuthor: '', moderated: '', reply: '', file: '' };

	async function place(
		org: { admin: SessionUser; joinCode: string },
		name: string,
		to: { teamId?: string; departmentId?: string; role?: SessionUser['role'] }
	): Promise<SignedInPerson> {
		const person = await app.join(org.joinCode, name);
		await app.people.assign(org.admin, person.user.id, to);
		return person;
	}

	/** Waits for the job to finish the export (the queue runs it), then answers its state. */
	async function finished(person: SignedInPerson, id: string): Promise<ExportInfo> {
		for (;;) {
			const { body } = await api(person, 'GET', `/api/exports/${id}`);
			const info = body as unknown as ExportInfo;
			if (info.status === 'done' || info.status === 'failed') return info;
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
	}

	async function downloaded(url: string): Promise<Record<string, Uint8Array>> {
		const answer = await fetch(`${server.origin}${url}`);
		expect(answer.status).toBe(200);
		expect(answer.headers.get('content-type')).toBe('application/zip');
		return unzipSync(new Uint8Array(await answer.arrayBuffer()));
	}

	/** The messages of an export's ZIP, from its JSON lines. */
	const jsonLines = (zip: Record<string, Uint8Array>) =>
		strFromU8(zip['messages.jsonl']!)
			.trim()
			.split('\n')
			.map((line) => JSON.parse(line) as ExportLine);

	beforeAll(async () => {
		const org = await app.createOrganization('Export Inc');
		admin = { user: org.admin, token: org.token };
		const alpha = await app.org.createDepartment(org.admin, { name: 'Alpha' });
		const beta = await app.org.createDepartment(org.admin, { name: 'Beta' });
		const a1 = await app.org.createTeam(org.admin, { name: 'A1', departmentId: alpha.id });
		const b1 = await app.org.createTeam(org.admin, { name: 'B1', departmentId: beta.id });
		manager = await place(org, 'Tess Manager', { teamId: a1.id, role: 'team_manager' });
		mo = await place(org, 'Mo Member', { teamId: a1.id });
		bea = await place(org, 'Bea Beta', { teamId: b1.id });
		const channels = await app.database.sql<{ id: string; teamId: string }[]>`
			select id, team_id as "teamId" from channels where kind = 'team'`;
		teamChannel = channels.find((channel) => channel.teamId === a1.id)!.id;
		otherTeamChannel = channels.find((channel) => channel.teamId === b1.id)!.id;

		const messages = new MessageRepository(app.database.sql);
		const at = Date.parse('2026-11-20T10:00:00Z');
		const moSession = await app.sessionUser(mo.user.id);
		const file = await uploadBytes(app.files, moSession, teamChannel, samples.pdf, 'minutes.pdf');
		const base = { channelId: teamChannel, authorId: mo.user.id };
		const posted = recordedMessage(at, { ...base, text: 'Kick-off at nine' });
		const edited = recordedMessage(at + 60_000, { ...base, text: 'Budget is 10k' });
		const deleted = recordedMessage(at + 120_000, { ...base, text: 'Oops, wrong channel' });
		const moderated = recordedMessage(at + 180_000, {
			...base,
			authorId: manager.user.id,
			text: 'Something rude'
		});
		const reply = recordedMessage(at + 240_000, {
			...base,
			threadId: posted.id,
			text: 'Notes attached',
			attachments: [{ id: file.id, name: 'minutes.pdf', kind: 'file' }]
		});
		await messages.upsertMany([posted, edited, deleted, moderated, reply]);
		await messages.upsertMany([
			{ ...edited, version: 2, text: 'Budget is 12k', editedAt: new Date(at + 90_000) },
			{ ...deleted, version: 2, text: '', deleted: true, editedAt: new Date(at + 150_000) }
		]);
		await messages.markModerated(moderated.id, admin.user.id, new Date(at + 200_000));
		await app.database.sql`update files set message_id = ${reply.id} where id = ${file.id}`;
		// Another team's message, and one outside the period: neither belongs to the export.
		await messages.upsertMany([
			recordedMessage(at, { channelId: otherTeamChannel, authorId: bea.user.id, text: 'Beta' }),
			recordedMessage(Date.parse('2026-10-01T10:00:00Z'), { ...base, text: 'Too early' })
		]);
		Object.assign(ids, {
			posted: posted.id,
			edited: edited.id,
			deletedByAuthor: deleted.id,
			moderated: moderated.id,
			reply: reply.id,
			file: file.id
		});
		await app.jobQueue.start();
	}, 60_000);

	it('exports a channel with every edit and deletion in JSON lines, CSV and EML, and its files, as a job', async () => {
		const asked = await api(admin, 'POST', '/api/exports', {
			scope: { kind: 'channel', channelId: teamChannel },
			from: '2026-11-01',
			to: '2026-11-30',
			formats: ['jsonl', 'csv', 'eml'],
			includeFiles: true
		});
		expect(asked.status).toBe(202);
		expect(asked.body.status).toBe('queued');
		const info = await finished(admin, asked.body.id as string);
		expect(info).toMatchObject({ status: 'done', totalMessages: 5, doneMessages: 5, files: 1 });
		expect(info.downloadUrl).toMatch(/^\/api\/exports\/download\?token=/);
		const zip = await downloaded(info.downloadUrl!);

		// JSON lines: one message a line, in order, with its history.
		const lines = jsonLines(zip);
		expect(lines.map((line) => line.id)).toEqual([
			ids.posted,
			ids.edited,
			ids.deletedByAuthor,
			ids.moderated,
			ids.reply
		]);
		const byId = new Map(lines.map((line) => [line.id, line]));
		expect(byId.get(ids.edited)!.history).toMatchObject([
			{ event: 'posted', byId: mo.user.id, before: null, after: 'Budget is 10k' },
			{ event: 'edited', byId: mo.user.id, before: 'Budget is 10k', after: 'Budget is 12k' }
		]);
		expect(byId.get(ids.deletedByAuthor)).toMatchObject({
			deleted: true,
			text: 'Oops, wrong channel',
			deletedBy: { id: mo.user.id, name: 'Mo Member' }
		});
		expect(byId.get(ids.deletedByAuthor)!.history[1]).toMatchObject({
			event: 'deleted',
			before: 'Oops, wrong channel',
			after: null
		});
		expect(byId.get(ids.moderated)).toMatchObject({
			deleted: true,
			text: 'Something rude',
			deletedAt: '2026-11-20T10:03:20+00:00',
			deletedBy: { id: admin.user.id }
		});

		// CSV: a row per event, before and after side by side.
		const rows = csvRecords(strFromU8(zip['messages.csv']!));
		expect(rows).toHaveLength(8);
		expect(rows.find((row) => row.event === 'edited')).toMatchObject({
			message_id: ids.edited,
			by_name: 'Mo Member',
			text_before: 'Budget is 10k',
			text_after: 'Budget is 12k'
		});
		const deletions = rows.filter((row) => row.event === 'deleted');
		expect(deletions.map((row) => [row.message_id, row.by_id, row.text_before])).toEqual([
			[ids.deletedByAuthor, mo.user.id, 'Oops, wrong channel'],
			[ids.moderated, admin.user.id, 'Something rude']
		]);

		// EML: one email per message, with thread headers and the history.
		const emlNames = Object.keys(zip).filter((name) => name.endsWith('.eml'));
		expect(emlNames).toHaveLength(5);
		const replyMail = await simpleParser(Buffer.from(zip[`eml/2026-11-20/${ids.reply}.eml`]!));
		expect(replyMail.messageId).toBe(`<${ids.reply}@messages.connectflow.invalid>`);
		expect(replyMail.inReplyTo).toBe(`<${ids.posted}@messages.connectflow.invalid>`);
		expect(replyMail.references).toBe(`<${ids.posted}@messages.connectflow.invalid>`);
		expect(replyMail.from?.value[0]?.name).toBe('Mo Member');
		const editedMail = await simpleParser(Buffer.from(zip[`eml/2026-11-20/${ids.edited}.eml`]!));
		expect(editedMail.text).toContain('before: Budget is 10k');
		expect(editedMail.text).toContain('after: Budget is 12k');
		const moderatedMail = await simpleParser(
			Buffer.from(zip[`eml/2026-11-20/${ids.moderated}.eml`]!)
		);
		expect(moderatedMail.headers.get('x-connectflow-deleted-by')).toContain(admin.user.id);

		// The file, byte for byte, and the manifest.
		expect(Buffer.from(zip[`files/${ids.file}/minutes.pdf`]!)).toEqual(Buffer.from(samples.pdf));
		expect(JSON.parse(strFromU8(zip['manifest.json']!))).toMatchObject({
			messages: 5,
			files: 1,
			period: { from: '2026-11-01', to: '2026-11-30' }
		});

		// Audited: asked, done, downloaded.
		const actions = await app.database.sql<{ action: string }[]>`
			select action from audit_log where target_id = ${teamChannel} or target_id = ${info.id}
			order by id`;
		expect(actions.map((row) => row.action)).toEqual([
			'export.request',
			'export.complete',
			'export.download'
		]);
	}, 60_000);

	it('reads the pages in the export process on Postgres, and on the server on PGlite', async () => {
		// The server's own reads of pages, counted (its repository, unchanged otherwise).
		const repository = app.exports.exports;
		const serverPage = repository.page;
		let serverPages = 0;
		repository.page = (...args) => {
			serverPages += 1;
			return serverPage.apply(repository, args);
		};
		try {
			const asked = await api(admin, 'POST', '/api/exports', {
				scope: { kind: 'channel', channelId: teamChannel },
				from: '2026-11-01',
				to: '2026-11-30',
				formats: ['jsonl']
			});
			const info = await finished(admin, asked.body.id as string);
			expect(info).toMatchObject({ status: 'done', doneMessages: 5 });
			expect(jsonLines(await downloaded(info.downloadUrl!))).toHaveLength(5);
		} finally {
			repository.page = serverPage;
		}
		// Postgres takes another connection: the export process's, so that the pages never pass
		// through the server. PGlite has one, the server's, which reads and hands them over.
		if (kind === 'postgres') expect(serverPages).toBe(0);
		else expect(serverPages).toBeGreaterThan(0);
	}, 60_000);

	it("exports a person's own messages and files from their settings (self-export)", async () => {
		const asked = await api(mo, 'POST', '/api/exports/mine', {
			formats: ['jsonl', 'csv', 'eml']
		});
		expect(asked.status).toBe(202);
		const info = await finished(mo, asked.body.id as string);
		expect(info).toMatchObject({ status: 'done', self: true, files: 1 });
		const zip = await downloaded(info.downloadUrl!);
		const lines = jsonLines(zip);
		// All of Mo's messages (the early one too: no period), nobody else's.
		expect(lines.map((line) => line.text)).toEqual([
			'Too early',
			'Kick-off at nine',
			'Budget is 12k',
			'Oops, wrong channel',
			'Notes attached'
		]);
		expect(lines.every((line) => line.author.id === mo.user.id)).toBe(true);
		expect(zip[`files/${ids.file}/minutes.pdf`]).toBeDefined();
		// Another person's export is not theirs to see.
		expect((await api(bea, 'GET', `/api/exports/${info.id}`)).status).toBe(404);
		const mine = await api(mo, 'GET', '/api/exports');
		expect((mine.body.exports as ExportInfo[]).map((row) => row.id)).toEqual([info.id]);
	}, 60_000);

	it('reads a selection page by page, each message once', async () => {
		const selection = {
			kind: 'person' as const,
			id: mo.user.id,
			orgId: admin.user.orgId,
			from: null,
			until: null
		};
		// Times with microseconds, as the server's clock gives them (a Date keeps milliseconds).
		await app.database.sql`
			update messages set accepted_at = accepted_at + interval '123 microseconds'
			where author_id = ${mo.user.id}`;
		const seen: string[] = [];
		let after: { at: string; id: string } | null = null;
		for (;;) {
			const page = await app.exports.exports.page(selection, after, 2, false);
			if (page.count === 0) break;
			seen.push(
				...page.lines
					.toString()
					.split('\n')
					.map((line) => (JSON.parse(line) as { id: string }).id)
			);
			after = page.after;
		}
		expect(seen).toHaveLength(5);
		expect(new Set(seen).size).toBe(5);
	});

	it('refuses bad requests with a stable code and changes nothing', async () => {
		const before = await databaseFingerprint(app.database.sql);
		const refusals: [SignedInPerson | null, unknown, number, string][] = [
			// A Team Manager asking for another department's channel or person.
			[
				manager,
				{ scope: { kind: 'channel', channelId: otherTeamChannel }, formats: ['jsonl'] },
				403,
				'FORBIDDEN'
			],
			[
				manager,
				{ scope: { kind: 'person', personId: bea.user.id }, formats: ['jsonl'] },
				403,
				'FORBIDDEN'
			],
			// A member asking for a colleague's messages.
			[
				mo,
				{ scope: { kind: 'person', personId: manager.user.id }, formats: ['jsonl'] },
				403,
				'FORBIDDEN'
			],
			// A period that ends before it starts.
			[
				admin,
				{
					scope: { kind: 'channel', channelId: teamChannel },
					from: '2026-11-30',
					to: '2026-11-01',
					formats: ['csv']
				},
				422,
				'VALIDATION_FAILED'
			],
			// An unknown format.
			[
				admin,
				{ scope: { kind: 'channel', channelId: teamChannel }, formats: ['pdf'] },
				422,
				'VALIDATION_FAILED'
			],
			[
				admin,
				{ scope: { kind: 'channel', channelId: randomUUID() }, formats: ['csv'] },
				404,
				'NOT_FOUND'
			],
			[
				null,
				{ scope: { kind: 'channel', channelId: teamChannel }, formats: ['csv'] },
				401,
				'UNAUTHENTICATED'
			]
		];
		for (const [person, body, status, code] of refusals) {
			const answer = await api(person, 'POST', '/api/exports', body);
			expect(
				[answer.status, (answer.body.error as { code: string }).code],
				JSON.stringify(body)
			).toEqual([status, code]);
		}
		const badPeriod = await api(admin, 'POST', '/api/exports', {
			scope: { kind: 'channel', channelId: teamChannel },
			from: '2026-11-30',
			to: '2026-11-01',
			formats: ['csv']
		});
		expect(badPeriod.body.error).toMatchObject({
			details: { issues: [{ path: 'to', message: 'The period ends before it starts.' }] }
		});
		const selfBad = await api(mo, 'POST', '/api/exports/mine', { formats: ['docx'] });
		expect(selfBad.status).toBe(422);
		expect(await databaseFingerprint(app.database.sql)).toEqual(before);
	});

	it('refuses an expired or forged download link', async () => {
		const [done] = await app.database.sql<{ id: string }[]>`
			select id from exports where status = 'done' and requested_by = ${admin.user.id} limit 1`;
		const expired = await app.exports.links.sign({
			exportId: done!.id,
			personId: admin.user.id,
			expiresAt: Math.floor(Date.now() / 1000) - 1
		});
		const valid = await app.exports.links.sign({
			exportId: done!.id,
			personId: admin.user.id,
			expiresAt: Math.floor(Date.now() / 1000) + 60
		});
		const [payload, signature] = valid.split('.');
		const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<
			string,
			unknown
		>;
		// Someone else's name in the link, the signature kept.
		const changed = Buffer.from(JSON.stringify({ ...claims, p: bea.user.id })).toString(
			'base64url'
		);
		const before = await databaseFingerprint(app.database.sql);
		const cases: [string, number, string][] = [
			[expired, 410, 'EXPORT_LINK_EXPIRED'],
			[`${changed}.${signature}`, 400, 'EXPORT_LINK_INVALID'],
			[`${payload}.${'A'.repeat(43)}`, 400, 'EXPORT_LINK_INVALID'],
			['not-a-token', 400, 'EXPORT_LINK_INVALID']
		];
		for (const [token, status, code] of cases) {
			const answer = await api(
				null,
				'GET',
				`/api/exports/download?token=${encodeURIComponent(token)}`
			);
			expect([answer.status, (answer.body.error as { code: string }).code]).toEqual([status, code]);
		}
		expect(await databaseFingerprint(app.database.sql)).toEqual(before);
		// The valid one still works.
		const zip = await downloaded(`/api/exports/download?token=${encodeURIComponent(valid)}`);
		expect(zip['manifest.json']).toBeDefined();
	});
});

/** RFC 4180 records with the header's names (no CSV reader is installed; the test needs little). */
function csvRecords(text: string): Record<string, string>[] {
	const rows: string[][] = [];
	let row: string[] = [];
	let field = '';
	let quoted = false;
	for (let i = 0; i < text.length; i++) {
		const char = text[i]!;
		if (quoted && char === '"' && text[i + 1] === '"') {
			field += '"';
			i++;
		} else if (char === '"') {
			quoted = !quoted;
		} else if (!quoted && char === ',') {
			row.push(field);
			field = '';
		} else if (!quoted && char === '\n') {
			row.push(field);
			rows.push(row);
			row = [];
			field = '';
		} else {
			field += char;
		}
	}
	const [header, ...records] = rows;
	return records.map((values) => Object.fromEntries(header!.map((name, i) => [name, values[i]!])));
}
