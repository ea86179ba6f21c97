import { beforeAll, expect, it } from 'vitest';
import * as Y from 'yjs';
import { describeEachHarness } from './testing/collab-suite.ts';
import { connectClient, waitFor } from './testing/collab-harness.ts';
import { useTeamOfPeople } from '#server/testing/test-app.ts';
import { storedBytes, writeOldMessages } from '#server/retention/testing/old-messages.ts';
import {
	documentName,
	listMessages,
	postMessage,
	retentionMark
} from '#shared/chat/document-schema.ts';

const DAY = 86_400_000;
const has = (doc: Y.Doc, text: string) =>
	Buffer.from(Y.encodeStateAsUpdate(doc)).includes(Buffer.from(text));

/**
 * A retention run with the collaboration server up: the live document loses the messages (and a
 * connected copy with it), the stored bytes no longer hold their text, and a copy that was away
 * learns of the purge on its next sync, holding no deleted text after it.
 */
describeEachHarness('retention in the live documents on %s', (h) => {
	const world = useTeamOfPeople(() => h.app, 'Live Retention', ['Alice', 'Bruno']);
	const [alice, bruno] = world.people;
	let channelId: string;
	let name: string;
	beforeAll(() => {
		channelId = world.channelId('team');
		name = documentName('channel', channelId, 0);
	});

	it('deletes from the live copy, the stored state and log, and a returning copy', async () => {
		const old = Date.now() - 3 * DAY;
		await writeOldMessages(h.app.database.sql, { id: channelId }, [
			{ authorId: alice.user.id, text: 'Obsidian merger codename', at: old },
			{ authorId: bruno.user.id, text: 'Tangerine payroll detail', at: old + 1 },
			{ authorId: alice.user.id, text: 'Kept because it is recent', at: Date.now() - 60_000 }
		]);

		// Bruno's copy syncs, then he goes away with it (a browser closed with its local copy).
		const away = connectClient(h.url, bruno.token, name);
		await away.synced;
		const brunoCopy = away.doc;
		expect(listMessages(brunoCopy).map((m) => m.text)).toContain('Tangerine payroll detail');
		away.provider.destroy();
		away.socket.destroy();

		// Alice is connected while the run happens.
		const live = await h.open(alice.token, name);
		expect(has(live.doc, 'Obsidian merger codename')).toBe(true);
		postMessage(live.doc, alice.user.id, { text: 'Written just now' });
		await live.acknowledged();

		await h.app.retention.setOrgRule(world.admin.user, { mode: 'days', days: 1 });
		const result = await h.app.retention.runOrg(world.admin.user.orgId);
		expect(result.messages).toBe(2);

		// The connected copy loses them at once; the rest stays.
		await waitFor(() => !has(live.doc, 'Obsidian merger codename'), 5_000, 'the live deletion');
		expect(listMessages(live.doc).map((m) => m.text)).toEqual([
			'Kept because it is recent',
			'Written just now'
		]);
		expect(retentionMark(live.doc)).not.toBeNull();

		// The stored bytes: compacted state and update log.
		await h.collab.idle();
		const stored = await storedBytes(h.app.database.sql, name);
		expect(stored.includes('Obsidian merger codename')).toBe(false);
		expect(stored.includes('Tangerine payroll detail')).toBe(false);
		expect(stored.includes('Kept because it is recent')).toBe(true);

		// Bruno comes back with his old copy: the sync deletes them there too, and the copy's
		// encoding (what a browser writes back to its disk) no longer holds the text.
		expect(has(brunoCopy, 'Tangerine payroll detail')).toBe(true);
		const back = connectClient(h.url, bruno.token, name, { doc: brunoCopy });
		await back.synced;
		await waitFor(() => retentionMark(back.doc) !== null, 5_000, 'the retention mark');
		expect(listMessages(back.doc).map((m) => m.text)).not.toContain('Tangerine payroll detail');
		expect(has(back.doc, 'Tangerine payroll detail')).toBe(false);
		expect(back.closes).toEqual([]);

		// Writing goes on as before.
		postMessage(live.doc, alice.user.id, { text: 'After the purge' });
		await live.acknowledged();
		await waitFor(() => listMessages(back.doc).some((m) => m.text === 'After the purge'));
		await h.app.retention.setOrgRule(world.admin.user, { mode: 'forever' });
	});
});
