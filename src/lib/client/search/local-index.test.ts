import { describe, expect, it } from 'vitest';
import { parseSearchQuery } from '$lib/shared/search/query.ts';
import {
	FLAG_FILE,
	FLAG_IMAGE,
	FLAG_LINK,
	FLAG_VOICE,
	LocalSearchIndex,
	toIndexed,
	type IndexedMessage,
	type ResolvedFilters
} from './local-index.ts';

const ME = '00000000-0000-4000-8000-000000000001';
const BRUNO = '00000000-0000-4000-8000-000000000002';
const GENERAL = '00000000-0000-4000-8000-0000000000a1';
const RANDOM = '00000000-0000-4000-8000-0000000000a2';
let counter = 0;

function message(text: string, extra: Partial<IndexedMessage> = {}): IndexedMessage {
	counter++;
	return {
		id: `10000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
		channelId: GENERAL,
		shard: 0,
		authorId: ME,
		threadId: null,
		text,
		files: '',
		attached: '',
		time: Date.UTC(2026, 9, 1) + counter * 60_000,
		pending: false,
		mentions: [],
		flags: 0,
		version: 1,
		...extra
	};
}

const anyone: ResolvedFilters = { authorIds: null, channelIds: null, readable: null, meId: ME };

function ids(index: LocalSearchIndex, query: string, filters: Partial<ResolvedFilters> = {}) {
	return index
		.search(parseSearchQuery(query), { ...anyone, ...filters })
		.hits.map((hit) => hit.message.id);
}

describe('LocalSearchIndex', () => {
	it('finds partial words, ignoring case and accents, all words required', () => {
		const index = new LocalSearchIndex();
		const a = message('The Deployment went fine');
		const b = message('Déploiement terminé, release tomorrow');
		const c = message('Release notes are in the wiki');
		for (const m of [a, b, c]) index.upsert(m);
		expect(ids(index, 'deplo').sort()).toEqual([a.id, b.id].sort());
		expect(ids(index, 'DÉPLOI')).toEqual([b.id]);
		expect(ids(index, 'deplo rel')).toEqual([b.id]);
		expect(ids(index, 'termine')).toEqual([b.id]);
		expect(ids(index, 'nothing')).toEqual([]);
	});

	it('ranks whole-word matches first, then the most recent', () => {
		const index = new LocalSearchIndex();
		const oldExact = message('deploy the services', { time: 1_000 });
		const newPrefix = message('deployment is done', { time: 5_000 });
		const newerPrefix = message('deployed yesterday', { time: 9_000 });
		const newExact = message('we deploy today', { time: 3_000 });
		for (const m of [oldExact, newPrefix, newerPrefix, newExact]) index.upsert(m);
		expect(ids(index, 'deploy')).toEqual([newExact.id, oldExact.id, newerPrefix.id, newPrefix.id]);
		// Two words: the one with both whole beats the one with one whole.
		const both = message('deploy service now', { time: 500 });
		index.upsert(both);
		expect(ids(index, 'deploy service')[0]).toBe(both.id);
	});

	it('keeps only the best hits up to the limit, and says there are more', () => {
		const index = new LocalSearchIndex();
		const all = Array.from({ length: 30 }, (_, n) => message(`status update ${n}`, { time: n }));
		for (const m of all) index.upsert(m);
		const result = index.search(parseSearchQuery('stat'), anyone, 5);
		expect(result.hits.map((hit) => hit.message.time)).toEqual([29, 28, 27, 26, 25]);
		expect(result.more).toBe(true);
		expect(index.search(parseSearchQuery('stat'), anyone, 50).more).toBe(false);
	});

	it('applies every filter of the search language locally', () => {
		const index = new LocalSearchIndex();
		const fromBruno = message('plan for the launch', { authorId: BRUNO });
		const inRandom = message('plan in random', { channelId: RANDOM });
		const withFile = message('plan attached', { flags: FLAG_FILE });
		const withImage = message('plan picture', { flags: FLAG_FILE | FLAG_IMAGE });
		const withLink = message('plan at https://example.com', { flags: FLAG_LINK });
		const mentionsMe = message('plan for you', { mentions: [ME] });
		const mentionsAll = message('plan for everyone', { mentions: ['channel'] });
		const inThread = message('plan reply', { threadId: fromBruno.id });
		const early = message('plan early', { time: Date.UTC(2026, 0, 10) });
		const all = [
			fromBruno,
			inRandom,
			withFile,
			withImage,
			withLink,
			mentionsMe,
			mentionsAll,
			inThread,
			early
		];
		for (const m of all) index.upsert(m);
		expect(ids(index, 'plan from:bruno', { authorIds: new Set([BRUNO]) })).toEqual([fromBruno.id]);
		expect(ids(index, 'plan in:random', { channelIds: new Set([RANDOM]) })).toEqual([inRandom.id]);
		expect(ids(index, 'plan has:file').sort()).toEqual([withFile.id, withImage.id].sort());
		expect(ids(index, 'plan has:image')).toEqual([withImage.id]);
		expect(ids(index, 'plan has:link')).toEqual([withLink.id]);
		expect(ids(index, 'plan mentions:me').sort()).toEqual([mentionsMe.id, mentionsAll.id].sort());
		expect(ids(index, 'plan is:thread')).toEqual([inThread.id]);
		expect(ids(index, 'plan before:2026-02-01')).toEqual([early.id]);
		expect(ids(index, 'plan after:2026-02-01')).not.toContain(early.id);
		expect(ids(index, '"plan for the"')).toEqual([fromBruno.id]);
		// Filters alone (no words) search everything held.
		expect(ids(index, 'has:image')).toEqual([withImage.id]);
		// A from: that names nobody finds nothing, like the server.
		expect(ids(index, 'plan from:nobody', { authorIds: new Set() })).toEqual([]);
		// Never anything from a channel the person may not read.
		expect(ids(index, 'plan', { readable: new Set([GENERAL]) })).not.toContain(inRandom.id);
	});

	it('follows edits and deletions', () => {
		const index = new LocalSearchIndex();
		const original = message('meeting moved to friday');
		index.upsert(original);
		expect(ids(index, 'frid')).toEqual([original.id]);
		expect(index.upsert({ ...original })).toBe(false);
		const edited = { ...original, text: 'meeting moved to monday', version: 2 };
		expect(index.upsert(edited)).toBe(true);
		expect(ids(index, 'frid')).toEqual([]);
		expect(ids(index, 'mond')).toEqual([original.id]);
		expect(index.get(original.id)?.text).toBe('meeting moved to monday');
		// Acceptance changes its time, not its words.
		index.upsert({ ...edited, time: edited.time + 5, pending: false });
		expect(ids(index, 'mond')).toEqual([original.id]);
		expect(index.remove(original.id)).toBe(true);
		expect(ids(index, 'mond')).toEqual([]);
		expect(ids(index, 'meeting')).toEqual([]);
	});

	it('brings a shard in line with its listing, and forgets channels', () => {
		const index = new LocalSearchIndex();
		const keep = message('alpha kept');
		const gone = message('alpha gone');
		const other = message('alpha elsewhere', { channelId: RANDOM });
		for (const m of [keep, gone, other]) index.upsert(m);
		expect(index.syncShard(GENERAL, 0, [keep])).toBe(1);
		expect(ids(index, 'alpha').sort()).toEqual([keep.id, other.id].sort());
		expect(index.retainChannels(new Set([GENERAL]))).toBe(1);
		expect(ids(index, 'alpha')).toEqual([keep.id]);
		expect(index.removeChannel(GENERAL)).toBe(1);
		expect(index.size).toBe(0);
	});

	it('finds voice messages by has:voice and files by their names', () => {
		const index = new LocalSearchIndex();
		const voice = message('', { flags: FLAG_FILE | FLAG_VOICE });
		const sheet = message('numbers attached', {
			flags: FLAG_FILE,
			files: 'quarterly budget 2026 xlsx'
		});
		const plain = message('budget talk without files');
		for (const m of [voice, sheet, plain]) index.upsert(m);
		expect(ids(index, 'has:voice')).toEqual([voice.id]);
		expect(ids(index, 'has:file').sort()).toEqual([voice.id, sheet.id].sort());
		expect(ids(index, 'quarterl')).toEqual([sheet.id]);
		expect(ids(index, 'budget has:file')).toEqual([sheet.id]);
		expect(ids(index, '"budget 2026"')).toEqual([sheet.id]);
		expect(ids(index, 'numbers quarterly')).toEqual([sheet.id]);
		expect(parseSearchQuery('has:voice has:sound').problems).toEqual([
			'Unknown filter has:sound: use has:file, has:image, has:voice or has:link.'
		]);
	});

	it('turns a listed message into its indexed form (deleted ones are not searchable)', () => {
		const listed = {
			id: '10000000-0000-4000-8000-00000000ffff',
			authorId: BRUNO,
			threadId: null,
			text: 'see https://example.com/x',
			createdAt: 10,
			acceptedAt: null,
			mentions: [ME],
			attachments: [
				{ kind: 'image', name: 'Site-Photo.JPG' },
				{ kind: 'voice', name: 'Voice message.webm' }
			],
			deleted: false,
			version: 3
		};
		const indexed = toIndexed(listed, GENERAL, 2)!;
		expect(indexed).toMatchObject({ time: 10, pending: true, shard: 2, version: 3 });
		expect(indexed.flags).toBe(FLAG_FILE | FLAG_IMAGE | FLAG_LINK | FLAG_VOICE);
		// The person's file name is searchable; the app's own name of a voice message is not.
		expect(indexed.files).toBe('site photo jpg');
		expect(toIndexed({ ...listed, deleted: true }, GENERAL, 2)).toBeNull();
	});

	it('is persisted and restored without indexing again', () => {
		const index = new LocalSearchIndex();
		const a = message('quarterly forecast review');
		const b = message('forecast for the budget');
		index.upsert(a);
		index.upsert(b);
		index.upsert({ ...a, text: 'quarterly revenue review', version: 2 });
		const restored = LocalSearchIndex.fromSnapshot(JSON.parse(JSON.stringify(index.snapshot())))!;
		expect(restored.size).toBe(2);
		expect(ids(restored, 'forec')).toEqual([b.id]);
		expect(ids(restored, 'reven')).toEqual([a.id]);
		// Still maintained after the restore.
		restored.remove(b.id);
		expect(ids(restored, 'forec')).toEqual([]);
		const c = message('forecast again');
		restored.upsert(c);
		expect(ids(restored, 'forec')).toEqual([c.id]);
		expect(LocalSearchIndex.fromSnapshot({ ...index.snapshot(), format: 99 })).toBeNull();
	});

	it('sweeps retired entries out once they are many', () => {
		const index = new LocalSearchIndex();
		const all = Array.from({ length: 2_100 }, (_, n) => message(`note ${n} sweep`));
		for (const m of all) index.upsert(m);
		for (const m of all.slice(0, 2_050)) index.remove(m.id);
		expect(index.retiredCount).toBeLessThan(2_000);
		expect(index.size).toBe(50);
		expect(ids(index, 'swe')).toHaveLength(50);
	});
});
