import { describe, expect, it } from 'vitest';
import { breakoutPolicy, channelAccess, type Actor, type ChannelRef } from './policy.ts';
import type { Role } from './roles.ts';

const person = (id: string, role: Role = 'team_member'): Actor => ({
	id,
	orgId: 'org',
	role,
	status: 'active',
	departmentId: 'dept',
	teamId: 'team'
});

const room = (endsAt: number | null): ChannelRef => ({
	id: 'room',
	orgId: 'org',
	kind: 'breakout',
	departmentId: null,
	teamId: null,
	postPolicy: 'members',
	archived: false,
	endsAt,
	createdBy: 'creator'
});

const NOW = 1_000_000;

describe('breakout rooms in the policy', () => {
	it('lets its participants and creator read and write, nobody else, whatever their rank', () => {
		const running = room(NOW + 60_000);
		expect(channelAccess(person('p'), running, true, NOW)).toEqual({
			read: true,
			post: true,
			react: true,
			moderate: false,
			manage: false
		});
		expect(channelAccess(person('creator'), running, true, NOW)).toMatchObject({
			post: true,
			moderate: true,
			manage: false
		});
		for (const role of ['super_admin', 'department_head', 'team_manager', 'team_member'] as const) {
			expect(channelAccess(person('x', role), running, false, NOW).read, role).toBe(false);
		}
	});

	it('is read-only from its end: still readable by its participants as the transcript', () => {
		const ended = room(NOW);
		expect(channelAccess(person('p'), ended, true, NOW)).toEqual({
			read: true,
			post: false,
			react: false,
			moderate: false,
			manage: false
		});
	});

	it('opens for those who may post in the parent; is run by its creator or a parent moderator', () => {
		const parent = { read: true, post: true, react: true, moderate: false, manage: false };
		expect(breakoutPolicy.create(person('p'), parent)).toBe(true);
		expect(breakoutPolicy.create(person('p'), { ...parent, post: false })).toBe(false);
		expect(breakoutPolicy.control(person('creator'), { createdBy: 'creator' }, parent)).toBe(true);
		expect(breakoutPolicy.control(person('p'), { createdBy: 'creator' }, parent)).toBe(false);
		expect(
			breakoutPolicy.control(person('m'), { createdBy: 'creator' }, { ...parent, moderate: true })
		).toBe(true);
		expect(
			breakoutPolicy.control(
				{ ...person('creator'), status: 'deactivated' },
				{ createdBy: 'creator' },
				parent
			)
		).toBe(false);
	});
});
