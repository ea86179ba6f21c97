import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	deleteMessage,
	editMessage,
	postMessage,
	react
} from '$lib/shared/chat/document-schema.ts';
import { ownEntries, refusedChanges } from './refusal.ts';

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
