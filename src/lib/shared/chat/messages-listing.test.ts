import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { messageKey, userRoot } from './keys.ts';
import { MAX_MESSAGE_TEXT_LENGTH, MAX_REACTIONS_PER_MESSAGE } from './limits.ts';
import { listMessages, readMarks } from './listing.ts';
import {
	deleteMessage,
	editMessage,
	getMessage,
	markRead,
	postMessage,
	react,
	unreact
} from './messages.ts';
import {
	initServerArea,
	isArchived,
	markAccepted,
	recordModeration,
	schemaVersion,
	setArchived
} from './server-area.ts';
import { messageValueSchema } from './values.ts';

const ANN = 'a0000000-0000-4000-8000-000000000001';
const BEN = 'b0000000-0000-4000-8000-000000000002';
const M1 = 'c0000000-0000-4000-8000-000000000001';
const M2 = 'c0000000-0000-4000-8000-000000000002';
const M3 = 'c0000000-0000-4000-8000-000000000003';

const ids = (doc: Y.Doc) => listMessages(doc).map((m) => m.id);

describe('writing messages', () => {
	it('posts, edits and deletes in the author’s own map', () => {
		const doc = new Y.Doc();
		postMessage(doc, ANN, { id: M1, text: 'hello @ben', mentions: [BEN], now: 10 });
		expect(doc.getMap(userRoot(ANN)).get(messageKey(M1))).toEqual({
			id: M1,
			text: 'hello @ben',
			createdAt: 10,
			mentions: [BEN],
			version: 1
		});
		expect(editMessage(doc, ANN, M1, { text: 'hello', now: 20 })).toMatchObject({
			text: 'hello',
			mentions: [BEN],
			editedAt: 20,
			version: 2
		});
		expect(deleteMessage(doc, ANN, M1, 30)).toEqual({
			id: M1,
			text: '',
			createdAt: 10,
			mentions: [],
			editedAt: 30,
			deleted: true,
			version: 3
		});
		expect(() => editMessage(doc, ANN, M1, { text: 'back' })).toThrow(TypeError);
		expect([...doc.share.keys()]).toEqual([userRoot(ANN)]);
	});

	it('refuses, before writing anything, what the server would refuse', () => {
		const doc = new Y.Doc();
		let updates = 0;
		doc.on('update', () => updates++);
		const tooLong = 'x'.repeat(MAX_MESSAGE_TEXT_LENGTH + 1);
		expect(() => postMessage(doc, ANN, { text: tooLong })).toThrow(/Too big/);
		expect(() => postMessage(doc, ANN, { text: '' })).toThrow(/text or a file/);
		expect(() => postMessage(doc, 'ann', { text: 'hi' })).toThrow(/UUID/);
		expect(() => react(doc, ANN, M1, 'thumbs up')).toThrow(/not a reaction/);
		expect(updates).toBe(0);
		postMessage(doc, ANN, { id: M1, text: 'once' });
		expect(() => postMessage(doc, ANN, { id: M1, text: 'twice' })).toThrow(/already exists/);
	});

	it('keeps reactions to one per emoji and bounded per message', () => {
		const doc = new Y.Doc();
		react(doc, ANN, M1, '👍');
		react(doc, ANN, M1, '👍');
		for (let i = 1; i < MAX_REACTIONS_PER_MESSAGE; i++) react(doc, ANN, M1, `:e${i}:`);
		expect(() => react(doc, ANN, M1, '🎉')).toThrow(/at most/);
		unreact(doc, ANN, M1, '👍');
		react(doc, ANN, M1, '🎉');
	});
});

describe('listing messages', () => {
	it('keeps one author’s messages in the order they were sent, when several share a millisecond', () => {
		const doc = new Y.Doc();
		// Twenty in one go (a script, a paste of several), accepted by the server in the same
		// millisecond: only their creation times can order them, and their ids are random.
		const sent = Array.from({ length: 20 }, (_, i) => postMessage(doc, ANN, { text: `${i}` }));
		for (const message of sent) markAccepted(doc, ANN, message.id, 1_000);
		const createdAt = sent.map((message) => message.createdAt);
		expect(createdAt.every((at, i) => i === 0 || at > createdAt[i - 1]!)).toBe(true);
		expect(listMessages(doc).map((message) => message.text)).toEqual(sent.map((m) => m.text));
	});

	it('orders by server acceptance, then pending messages by client time and id', () => {
		const doc = new Y.Doc();
		initServerArea(doc);
		postMessage(doc, ANN, { id: M1, text: 'first accepted, written late', now: 300 });
		postMessage(doc, BEN, { id: M2, text: 'accepted second', now: 100 });
		postMessage(doc, BEN, { id: M3, text: 'pending', now: 50 });
		markAccepted(doc, ANN, M1, 1_000);
		markAccepted(doc, BEN, M2, 2_000);
		expect(ids(doc)).toEqual([M1, M2, M3]);
		expect(listMessages(doc).map((m) => m.acceptedAt)).toEqual([1_000, 2_000, null]);
		expect(markAccepted(doc, ANN, M1, 5_000)).toBe(false);
	});

	it('gives every copy the same list, whatever order the changes arrived in', () => {
		const a = new Y.Doc();
		const b = new Y.Doc();
		const updates: Uint8Array[] = [];
		a.on('update', (u: Uint8Array) => updates.push(u));
		postMessage(a, ANN, { id: M2, text: 'same time', now: 5 });
		postMessage(a, BEN, { id: M1, text: 'same time', now: 5 });
		react(a, BEN, M2, '👍');
		react(a, ANN, M2, '👍');
		react(a, ANN, M2, '🎉');
		for (const update of updates.reverse()) Y.applyUpdate(b, update);
		expect(listMessages(b)).toEqual(listMessages(a));
		expect(ids(a)).toEqual([M1, M2]);
		expect(listMessages(a)[1]?.reactions).toEqual([
			{ emoji: '🎉', userIds: [ANN] },
			{ emoji: '👍', userIds: [ANN, BEN] }
		]);
	});

	it('shows a moderated message as deleted, keeping its place in its thread', () => {
		const doc = new Y.Doc();
		postMessage(doc, ANN, { id: M1, text: 'root', now: 1 });
		postMessage(doc, BEN, { id: M2, text: 'rude reply', threadId: M1, now: 2 });
		recordModeration(doc, BEN, M2, { by: ANN, at: 3 });
		const [, moderated] = listMessages(doc);
		expect(moderated).toMatchObject({
			id: M2,
			text: '',
			deleted: true,
			threadId: M1,
			createdAt: 2
		});
		doc.getMap(userRoot(BEN)).delete(messageKey(M2));
		expect(listMessages(doc)[1]).toMatchObject({ id: M2, deleted: true, moderation: { by: ANN } });
	});

	it('skips malformed values instead of failing', () => {
		const doc = new Y.Doc();
		postMessage(doc, ANN, { id: M1, text: 'fine' });
		doc.getMap(userRoot(BEN)).set(messageKey(M2), { id: M2, text: 42 });
		doc.getMap('u:not-a-user').set(messageKey(M3), { id: M3 });
		expect(ids(doc)).toEqual([M1]);
		expect(getMessage(doc, BEN, M2)).toBeNull();
	});

	it('reads everyone’s last-read marker', () => {
		const doc = new Y.Doc();
		markRead(doc, ANN, M1, 7);
		markRead(doc, BEN, M2, 8);
		markRead(doc, ANN, M2, 9);
		expect(Object.fromEntries(readMarks(doc))).toEqual({
			[ANN]: { messageId: M2, at: 9 },
			[BEN]: { messageId: M2, at: 8 }
		});
	});
});

describe('the server’s area', () => {
	it('holds the schema version and the archived flag', () => {
		const doc = new Y.Doc();
		expect(schemaVersion(doc)).toBeNull();
		initServerArea(doc);
		expect(schemaVersion(doc)).toBe(1);
		expect(isArchived(doc)).toBe(false);
		setArchived(doc, true);
		expect(isArchived(doc)).toBe(true);
	});
});

describe('a message keeps no character the server would refuse', () => {
	it('posts and edits pasted text without NUL, carriage returns or direction overrides', () => {
		const doc = new Y.Doc();
		const author = '40000000-0000-4000-8000-000000000004';
		const posted = postMessage(doc, author, { text: 'pasted\u0000 text\r\nfrom \u202eelsewhere' });
		expect(posted.text).toBe('pasted text\nfrom elsewhere');
		expect(messageValueSchema.safeParse(posted).success).toBe(true);
		const edited = editMessage(doc, author, posted.id, { text: 'edited\u0007' });
		expect(edited.text).toBe('edited');
	});
});
