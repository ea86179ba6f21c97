import * as Y from 'yjs';
import type { AppContext } from '#server/app-context.ts';
import type { SessionUser } from '#shared/api/auth.schema.ts';
import { DocumentRepository } from '#server/documents/document.repository.ts';
import { MessageRepository } from '#server/messages/message.repository.ts';
import { messageRecord } from '#server/messages/message-record.service.ts';
import type { ChannelSummary } from '#shared/api/channels.schema.ts';
import {
	documentName,
	editMessage,
	initServerArea,
	markAccepted,
	markRead,
	postMessage,
	react,
	sealShard,
	SHARD_CAPACITY,
	type MessageValue
} from '#shared/chat/document-schema.ts';
import { linesFor, reactionChoices, replies } from './chat-lines.ts';
import { demoFiles, uploadDemoFile, type DemoFile } from './demo-files.ts';

/**
 * Gives the demo organization conversations with history: project rooms, a private group and
 * direct messages next to the channels the structure created, and a few thousand messages with
 * threads, reactions, edits and read marks — written as the same documents and relational
 * record the live server keeps.
 */
const DAY = 86_400_000;

interface Member {
	id: string;
	name: string;
	role: string;
}

/** Deterministic pseudo-random numbers, so every demo load tells the same story. */
function random(seed: number) {
	let state = seed >>> 0;
	return () => {
		state = (state * 1664525 + 1013904223) >>> 0;
		return state / 2 ** 32;
	};
}

export async function loadChat(
	ctx: AppContext,
	admin: SessionUser,
	people: SessionUser[]
): Promise<number> {
	const byName = new Map(people.map((p) => [p.name, p]));
	const pick = (...names: string[]) => names.map((n) => byName.get(n)!.id);
	await ctx.channels.create(admin, {
		kind: 'project',
		name: 'Project Aurora launch',
		topic: 'Offline-first mobile launch, cross-team',
		memberIds: pick(
			'Priya Raman',
			'Marcus Chen',
			'Aisha Bello',
			'Grace Liu',
			'Isabel Torres',
			'Kevin Murphy',
			'Ethan Brooks'
		),
		startsAt: new Date(Date.now() - 40 * DAY).toISOString(),
		endsAt: new Date(Date.now() + 50 * DAY).toISOString()
	});
	await ctx.channels.create(admin, {
		kind: 'project',
		name: 'Website relaunch 2026',
		topic: 'Finished in October; kept for reference',
		memberIds: pick('Laura Schmidt', 'Julia Romano', 'Felix Wagner', 'Theo Laurent'),
		startsAt: new Date(Date.now() - 120 * DAY).toISOString(),
		endsAt: new Date(Date.now() - 10 * DAY).toISOString()
	});
	await ctx.channels.create(admin, {
		kind: 'private',
		name: 'leadership',
		topic: 'Department heads and the executive team',
		memberIds: pick(
			'Jonas Weber',
			'Priya Raman',
			'Daniel Okafor',
			'Rachel Adams',
			'Laura Schmidt',
			'Victor Nguyen'
		)
	});
	const dmPairs: [string, string][] = [
		['Sofia Alvarez', 'Marcus Chen'],
		['Sofia Alvarez', 'Liam O’Connor'],
		['Priya Raman', 'Marcus Chen'],
		['Grace Liu', 'Isabel Torres'],
		['Tom Becker', 'Nina Johansson'],
		['Amelia Hart', 'Jonas Weber']
	];
	const everyone = [admin, ...people];
	const named = new Map(everyone.map((p) => [p.name, p]));
	for (const [first, second] of dmPairs) {
		await ctx.channels.openDm(named.get(first)!, { memberIds: [named.get(second)!.id] });
	}
	await ctx.channels.openDm(named.get('Sofia Alvarez')!, {
		memberIds: pick('Marcus Chen', 'Yuki Tanaka', 'Noah Fischer')
	});

	const channels = await ctx.database.sql<
		{ id: string }[]
	>`select id from channels where org_id = ${admin.orgId}`;
	const documents = new DocumentRepository(ctx.database.sql);
	const messages = new MessageRepository(ctx.database.sql);
	let total = 0;
	let seed = 7;
	// The demo's images and documents, two to a team or project conversation until they run out.
	const toShare = [...demoFiles];
	for (const { id } of channels) {
		const detail = await ctx.channels.detail(await memberFor(ctx, id, admin), id);
		const shares = ['team', 'project'].includes(detail.kind) ? toShare.splice(0, 2) : [];
		total += await writeHistory(
			ctx,
			detail,
			detail.members,
			documents,
			messages,
			random(seed++),
			shares
		);
	}
	return total;
}

/** Someone who can read the channel (the admin is not in others' private groups or DMs). */
async function memberFor(
	ctx: AppContext,
	channelId: string,
	admin: SessionUser
): Promise<SessionUser> {
	const [row] = await ctx.database.sql<{ userId: string }[]>`
		select user_id as "userId" from channel_members where channel_id = ${channelId} limit 1`;
	if (!row) return admin;
	const [user] = await ctx.database.sql<SessionUser[]>`
		select u.id, u.org_id as "orgId", o.name as "orgName", u.email, u.name, u.title, u.role, u.status,
			u.department_id as "departmentId", u.team_id as "teamId"
		from users u join organizations o on o.id = u.org_id where u.id = ${row.userId}`;
	return user ?? admin;
}

async function sessionUserOf(ctx: AppContext, userId: string): Promise<SessionUser> {
	const [user] = await ctx.database.sql<SessionUser[]>`
		select u.id, u.org_id as "orgId", o.name as "orgName", u.email, u.name, u.title, u.role, u.status,
			u.department_id as "departmentId", u.team_id as "teamId"
		from users u join organizations o on o.id = u.org_id where u.id = ${userId}`;
	if (!user) throw new Error(`no user ${userId}`);
	return user;
}

function volumeFor(kind: ChannelSummary['kind']): number {
	return {
		announcements: 24,
		department: 160,
		team: 260,
		project: 180,
		private: 60,
		dm: 45,
		breakout: 0
	}[kind];
}

async function writeHistory(
	ctx: AppContext,
	channel: ChannelSummary,
	members: Member[],
	documents: DocumentRepository,
	messages: MessageRepository,
	rand: () => number,
	shares: DemoFile[] = []
): Promise<number> {
	if (members.length === 0) return 0;
	const count = volumeFor(channel.kind);
	const texts = linesFor(channel.kind, channel.name);
	const kindOfDoc = channel.kind === 'dm' ? 'dm' : 'channel';
	const authors =
		channel.kind === 'announcements'
			? members.filter((m) => ['super_admin', 'department_head'].includes(m.role))
			: members;
	const speakers = authors.length > 0 ? authors : members;
	const ended = channel.endsAt !== null && Date.parse(channel.endsAt) < Date.now();
	const end = ended ? Date.parse(channel.endsAt!) - DAY : Date.now() - 5 * 60_000;
	const start = end - 45 * DAY;
	const step = (end - start) / count;
	// Evenly spread with jitter below one step: increasing, and never later than `end`.
	const momentOf = (i: number) => start + (i + rand() * 0.8) * step;

	let shard = 0;
	let doc = newShard();
	let inShard = 0;
	const records: {
		doc: Y.Doc;
		shard: number;
		authorId: string;
		value: MessageValue;
		accepted: number;
		versions: MessageValue[];
	}[] = [];
	const roots: { id: string; authorId: string; at: number }[] = [];
	// Shared files go with recent messages, so they show when the conversation opens.
	const shareAt = new Map(shares.map((file, index) => [count - 3 - index * 6, file]));
	for (let i = 0; i < count; i++) {
		const at = momentOf(i);
		if (inShard >= SHARD_CAPACITY) {
			await storeShard(documents, kindOfDoc, channel.id, shard, doc, shard + 1);
			shard++;
			doc = newShard();
			inShard = 0;
		}
		const author = speakers[Math.floor(rand() * speakers.length)]!;
		const share = shareAt.get(i);
		const replyTo =
			roots.length > 3 && rand() < 0.18 && !share
				? roots[roots.length - 1 - Math.floor(rand() * 3)]!
				: null;
		const mention =
			!replyTo && rand() < 0.12 ? members[Math.floor(rand() * members.length)]! : null;
		const text = replyTo
			? replies[Math.floor(rand() * replies.length)]!
			: `${mention && mention.id !== author.id ? `@${mention.name} ` : ''}${texts[Math.floor(rand() * texts.length)]!}`;
		const value = share
			? postMessage(doc, author.id, {
					text: share.text,
					attachments: [
						await uploadDemoFile(ctx, await sessionUserOf(ctx, author.id), channel.id, share)
					],
					now: Math.round(at)
				})
			: postMessage(doc, author.id, {
					text,
					threadId: replyTo?.id ?? null,
					mentions: mention && mention.id !== author.id ? [mention.id] : [],
					now: Math.round(at)
				});
		markAccepted(doc, author.id, value.id, Math.round(at) + 40);
		const versions = [value];
		if (!replyTo && !share && rand() < 0.05) {
			versions.push(
				editMessage(doc, author.id, value.id, {
					text: `${text} (updated)`,
					now: Math.round(at) + 120_000
				})
			);
		}
		if (rand() < 0.3) {
			const reactors = 1 + Math.floor(rand() * Math.min(4, members.length));
			for (let r = 0; r < reactors; r++) {
				const who = members[Math.floor(rand() * members.length)]!;
				react(doc, who.id, value.id, reactionChoices[Math.floor(rand() * reactionChoices.length)]!);
			}
		}
		if (!replyTo) roots.push({ id: value.id, authorId: author.id, at });
		records.push({
			doc,
			shard,
			authorId: author.id,
			value,
			accepted: Math.round(at) + 40,
			versions
		});
		inShard++;
	}
	// Most people have read up to near the end; a few are behind, so unread counts show.
	const last = records.at(-1);
	if (last) {
		for (const member of members) {
			const behind = rand() < 0.35 ? Math.min(records.length - 1, 1 + Math.floor(rand() * 12)) : 0;
			const mark = records[records.length - 1 - behind]!;
			if (mark.doc === doc) markRead(doc, member.id, mark.value.id, mark.accepted + 1000);
			await ctx.database.sql`
				insert into channel_reads (channel_id, user_id, last_read_message_id, last_read_at)
				values (${channel.id}, ${member.id}, ${mark.value.id}, ${new Date(mark.accepted + 1000)})
				on conflict do nothing`;
		}
	}
	await storeShard(documents, kindOfDoc, channel.id, shard, doc, null);
	if (shard > 0) await ctx.channels.channels.setHeadShard(channel.id, shard);
	for (const record of records) {
		for (const version of record.versions) {
			await messages.upsert(
				messageRecord(channel.id, record.shard, record.authorId, version, record.accepted)
			);
		}
		const files = record.value.attachments?.map((file) => file.id) ?? [];
		// As the live server does when a message carrying them is accepted (attachment-check.ts).
		if (files.length > 0) await ctx.files.files.attach(record.value.id, files);
	}
	return records.length;
}

function newShard(): Y.Doc {
	const doc = new Y.Doc();
	initServerArea(doc);
	return doc;
}

async function storeShard(
	documents: DocumentRepository,
	kind: 'channel' | 'dm',
	channelId: string,
	shard: number,
	doc: Y.Doc,
	next: number | null
): Promise<void> {
	if (next !== null) sealShard(doc, next);
	await documents.compact(documentName(kind, channelId, shard), Y.encodeStateAsUpdate(doc), 0);
}
