import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	deleteMessage,
	editMessage,
	markRead,
	postMessage,
	react
} from '$lib/shared/chat/document-schema.ts';
import { ownChangesToResend, ownEntries, refusedChanges } from './refusal.ts';

const me = '00000000-0000-4000-8000-0000000000aa';

describe('refusedChanges', () => {
	it('names the messages, edits, deletions and reactions the server does not have', () => {
		const server = new Y.Doc();
		const kept = postMessage(server, me, { text: 'accepted long ago' });
		const toEdit = postMessage(server, me, { text: 'before' });
		const toDelete = postMessage(server, me, { text: 'keep me' });

		const local = new Y.Doc();
		Y.applyUpdate(local, Y.encodeStateAsUpdate(server));
		const fresh = postMessage(local, me, { text: 'never accepted' });
		editMessage(local, me, toEdit.id, { text: 'after' });
		deleteMessage(local, me, toDelete.id);
		react(local, me, kept.id, '👍');

		expect(refusedChanges(ownEntries(local, me), ownEntries(server, me))).toEqual(
			expect.arrayContaining([
				{ kind: 'message', messageId: fresh.id, text: 'never accepted' },
				{ kind: 'edit', messageId: toEdit.id, text: 'after' },
				{ kind: 'delete', messageId: toDelete.id },
				{ kind: 'reaction', messageId: kept.id, emoji: '👍' }
			])
		);
		expect(refusedChanges(ownEntries(server, me), ownEntries(server, me))).toEqual([]);
	});
});

describe('ownChangesToResend', () => {
	it('names the own entries a rebuilt copy lacks, and nothing the server already has', () => {
		const server = new Y.Doc();
		const kept = postMessage(server, me, { text: 'accepted long ago' });
		const toEdit = postMessage(server, me, { text: 'before' });
		markRead(server, me, kept.id, 2_000);

		const local = new Y.Doc();
		Y.applyUpdate(local, Y.encodeStateAsUpdate(server));
		const fresh = postMessage(local, me, { text: 'held up' });
		editMessage(local, me, toEdit.id, { text: 'after' });
		react(local, me, kept.id, '🎉');
		markRead(local, me, fresh.id, 3_000);

		const resend = new Map(ownChangesToResend(ownEntries(local, me), ownEntries(server, me)));
		expect([...resend.keys()].sort()).toEqual(
			[`m:${fresh.id}`, `m:${toEdit.id}`, `r:${kept.id}:🎉`, 'read'].sort()
		);
		expect(resend.get(`m:${toEdit.id}`)).toMatchObject({ text: 'after', version: 2 });

		// Written again on the server's copy, nothing more is left to send.
		const mine = server.getMap(`u:${me}`);
		for (const [key, value] of resend) mine.set(key, value);
		expect(ownChangesToResend(ownEntries(local, me), ownEntries(server, me))).toEqual([]);
	});

	it('does not send back an older read mark', () => {
		const server = new Y.Doc();
		const message = postMessage(server, me, { text: 'hello' });
		const local = new Y.Doc();
		Y.applyUpdate(local, Y.encodeStateAsUpdate(server));
		markRead(local, me, message.id, 1_000);
		markRead(server, me, message.id, 5_000);
		expect(ownChangesToResend(ownEntries(local, me), ownEntries(server, me))).toEqual([]);
	});
});
