import { describe, expect, it } from 'vitest';
import type { ChannelSummary } from '$lib/shared/api/channels.schema.ts';
import { channelGroups, hasEnded } from './channel-display.ts';

const NOW = Date.parse('2026-12-05T12:00:00Z');
let n = 0;

function channel(
	kind: ChannelSummary['kind'],
	name: string,
	endsAt: string | null = null
): ChannelSummary {
	return {
		id: `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
		kind,
		name,
		topic: '',
		postPolicy: 'members',
		headShard: 0,
		archived: false,
		startsAt: null,
		endsAt,
		teamId: null,
		departmentId: null,
		access: { read: true, post: true, react: true, moderate: false, manage: false },
		unread: 0,
		mentions: 0,
		partners: []
	};
}

describe('breakout rooms in the sidebar', () => {
	it('lists running rooms first (soonest end first), then the last day’s transcripts', () => {
		const channels = [
			channel('team', 'Launch Crew'),
			channel('breakout', 'Ended an hour ago', '2026-12-05T11:00:00Z'),
			channel('breakout', 'Ends in ten minutes', '2026-12-05T12:10:00Z'),
			channel('breakout', 'Ended two days ago', '2026-12-03T11:00:00Z'),
			channel('breakout', 'Ends in two minutes', '2026-12-05T12:02:00Z'),
			channel('breakout', 'Ended a minute ago', '2026-12-05T11:59:00Z')
		];
		const group = channelGroups(channels, NOW).find((g) => g.kind === 'breakout')!;
		expect(group.label).toBe('Breakouts');
		expect(group.channels.map((c) => c.name)).toEqual([
			'Ends in two minutes',
			'Ends in ten minutes',
			'Ended a minute ago',
			'Ended an hour ago'
		]);
		expect(channelGroups(channels, NOW).find((g) => g.kind === 'team')!.channels).toHaveLength(1);
	});

	it('tells an ended room by the clock given', () => {
		const room = channel('breakout', 'x', '2026-12-05T12:00:00Z');
		expect(hasEnded(room, NOW - 1)).toBe(false);
		expect(hasEnded(room, NOW)).toBe(true);
		expect(hasEnded({ ...room, endsAt: null, archived: true }, 0)).toBe(true);
	});
});
