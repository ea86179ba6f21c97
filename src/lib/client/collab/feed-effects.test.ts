import { describe, expect, it } from 'vitest';
import type { FeedEvent } from '$lib/shared/feed/feed-event.ts';
import type { Breakout } from '$lib/shared/api/breakouts.schema.ts';
import { BreakoutBoard } from '../breakouts/breakout-board.svelte.ts';
import { BroadcastStore } from '../broadcasts/broadcast-store.svelte.ts';
import type { Broadcast } from '$lib/shared/api/broadcasts.schema.ts';
import { FeedEffects, type FeedTarget } from './feed-effects.ts';

const ROOM = '6f1d2c3b-4a59-4e7d-8c1b-2a3f4e5d6c7b';
const PARENT = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const ME = '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a';

/** The board with no server behind it: these tests only feed it events. */
const offline = {
	list: () => Promise.reject(new Error('not in this test')),
	detail: () => Promise.reject(new Error('not in this test'))
};

function room(endsAt: Date, serverNow = new Date()): Breakout {
	return {
		id: ROOM,
		parentId: PARENT,
		title: 'Release plan',
		agenda: '',
		createdBy: ME,
		startsAt: new Date(endsAt.getTime() - 60_000).toISOString(),
		endsAt: endsAt.toISOString(),
		endedAt: null,
		state: 'running',
		headShard: 0,
		participants: [{ id: ME, name: 'Ann', title: '', role: 'team_member', teamId: null }],
		serverNow: serverNow.toISOString()
	};
}

/** What the effects did to the rest of the tab, in order. */
function screen() {
	const done: string[] = [];
	const board = new BreakoutBoard(offline);
	const broadcasts = new BroadcastStore();
	const target: FeedTarget = {
		patchChannel: (change) => void done.push(`patch ${change.channelId}`),
		forgetChannel: (id) => void done.push(`forget ${id}`),
		refreshChannels: () => void done.push('refresh'),
		reloadPage: () => void done.push('reload'),
		notifications: {
			created: () => void done.push('notification'),
			read: () => void done.push('read'),
			reload: async () => void done.push('notifications reload')
		},
		moveEnd: (id, endsAt) => void done.push(`end ${id} ${endsAt}`),
		titleOf: (id) => (id === ROOM ? 'Release plan (sidebar)' : null),
		breakouts: board,
		broadcasts
	};
	return { done, board, broadcasts, effects: new FeedEffects(target) };
}

let seq = 0;
function event<K extends FeedEvent['kind']>(
	kind: K,
	data: Extract<FeedEvent, { kind: K }>['data']
): FeedEvent {
	return { seq: ++seq, at: new Date().toISOString(), kind, data } as FeedEvent;
}

const flush = () => new Promise<void>((resolve) => queueMicrotask(resolve));

describe('the feed’s breakout events on screen', () => {
	it('moves every countdown at once when a room is extended, and its end', async () => {
		const { done, board, effects } = screen();
		board.put(room(new Date(Date.now() + 60_000)));
		const later = new Date(Date.now() + 120_000).toISOString();
		effects.event(
			event('breakout.changed', {
				breakoutId: ROOM,
				parentId: PARENT,
				endsAt: later,
				serverNow: new Date().toISOString()
			})
		);
		expect(board.rooms.get(ROOM)!.endsAt).toBe(later);
		expect(board.left(board.rooms.get(ROOM)!)).toBeGreaterThan(60_000);
		expect(done).toEqual([`end ${ROOM} ${later}`]);
		await flush();
		expect(done).not.toContain('refresh');
	});

	it('asks for the parent’s rooms again when a room it did not know changes', () => {
		const { board, effects } = screen();
		const before = board.version;
		effects.event(
			event('breakout.changed', {
				breakoutId: ROOM,
				parentId: PARENT,
				endsAt: new Date(Date.now() + 60_000).toISOString(),
				serverNow: new Date().toISOString()
			})
		);
		expect(board.version).toBe(before + 1);
	});

	it('shows a warning while the room runs, not one replayed after its end', () => {
		const { board, effects } = screen();
		effects.event(
			event('breakout.warning', {
				breakoutId: ROOM,
				parentId: PARENT,
				minutesLeft: 1,
				endsAt: new Date(Date.now() - 1_000).toISOString()
			})
		);
		expect(board.warning).toBeNull();
		effects.event(
			event('breakout.warning', {
				breakoutId: ROOM,
				parentId: PARENT,
				minutesLeft: 5,
				endsAt: new Date(Date.now() + 5 * 60_000).toISOString()
			})
		);
		expect(board.warning).toEqual({ breakoutId: ROOM, minutesLeft: 5 });
	});

	it('at the end returns the room’s screens to the parent with a notice, and reads the list again', async () => {
		const { done, board, effects } = screen();
		board.put(room(new Date(Date.now() + 30_000)));
		board.warned({
			breakoutId: ROOM,
			parentId: PARENT,
			minutesLeft: 1,
			endsAt: new Date(Date.now() + 30_000).toISOString()
		});
		effects.event(event('breakout.ended', { breakoutId: ROOM, parentId: PARENT }));
		expect(board.returning).toEqual({ breakoutId: ROOM, parentId: PARENT });
		expect(board.notices).toEqual([{ breakoutId: ROOM, parentId: PARENT, title: 'Release plan' }]);
		expect(board.warning).toBeNull();
		const ended = board.rooms.get(ROOM)!;
		expect(ended.state).toBe('ended');
		expect(board.running(ended)).toBe(false);
		expect(Date.parse(ended.endsAt)).toBeLessThanOrEqual(Date.now() + board.offset);
		await flush();
		expect(done).toEqual(['refresh']);
		// Told twice (a replay): one notice.
		effects.event(event('breakout.ended', { breakoutId: ROOM, parentId: PARENT }));
		expect(board.notices).toHaveLength(1);
		board.dismiss(ROOM);
		expect(board.notices).toEqual([]);
	});

	it('names a room it never read by the sidebar’s name', () => {
		const { board, effects } = screen();
		effects.event(event('breakout.ended', { breakoutId: ROOM, parentId: PARENT }));
		expect(board.notices[0]!.title).toBe('Release plan (sidebar)');
	});
});

describe('the board’s clock', () => {
	it('learns the server’s clock from the answer with the shortest round trip', () => {
		const board = new BreakoutBoard(offline);
		const sent = Date.now();
		// The server's clock is 3 minutes ahead of this device's.
		const ahead = (at: number) => new Date(at + 180_000);
		board.put(room(new Date(sent + 600_000), ahead(sent + 400)), sent, sent + 800);
		expect(board.offset).toBe(180_000);
		// A slower answer (2 s round trip, its clock read late) does not spoil the guess.
		board.put(room(new Date(sent + 600_000), ahead(sent + 1_900)), sent, sent + 2_000);
		expect(board.offset).toBe(180_000);
		// Ten minutes left by the server's clock, however the device's reads.
		board.now = sent;
		expect(board.left(board.rooms.get(ROOM)!)).toBe(600_000 - 180_000);
		expect(board.ofParent(PARENT, ME)).toHaveLength(1);
		expect(board.ofParent(PARENT, 'someone else')).toHaveLength(0);
	});
});

function broadcast(id: string, createdAt: string): Broadcast {
	return {
		id,
		title: `Urgent ${id.slice(0, 4)}`,
		body: 'Leave the building.',
		senderId: ME,
		senderName: 'Ann',
		departmentId: null,
		departmentName: null,
		renotifyMinutes: 30,
		createdAt
	};
}

describe('the feed’s broadcast events on screen', () => {
	const FIRST = '1a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
	const SECOND = '2a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

	it('shows the oldest banner first, calls again on a reminder, and drops an acknowledged one', () => {
		const { broadcasts, effects } = screen();
		effects.event(
			event('broadcast.sent', { broadcast: broadcast(SECOND, '2026-12-05T10:05:00.000Z') })
		);
		effects.event(
			event('broadcast.sent', { broadcast: broadcast(FIRST, '2026-12-05T10:00:00.000Z') })
		);
		expect(broadcasts.pending.map((b) => b.id)).toEqual([FIRST, SECOND]);
		expect(broadcasts.current?.id).toBe(FIRST);

		effects.event(
			event('broadcast.sent', { broadcast: broadcast(FIRST, '2026-12-05T10:00:00.000Z') })
		);
		expect(broadcasts.pending).toHaveLength(2);
		expect(broadcasts.reminded).toBe(1);

		effects.event(event('broadcast.acknowledged', { broadcastId: FIRST }));
		expect(broadcasts.current?.id).toBe(SECOND);
	});

	it('gives the sender the count as it rises', () => {
		const { broadcasts, effects } = screen();
		effects.event(event('broadcast.progress', { broadcastId: FIRST, total: 4, acknowledged: 3 }));
		expect(broadcasts.progress[FIRST]).toEqual({ total: 4, acknowledged: 3 });
	});
});
