import { describe, expect, it } from 'vitest';
import { channelAccess, type Actor } from '#shared/policy.ts';
import { toChannelRef } from '../channels/channel.service.ts';
import type { StructuralChannel } from './feed-audience.repository.ts';
import { worldChanges, type AddressedEvent, type OrgWorld } from './world-changes.ts';

/**
 * worldChanges looks only at what changed; this checks it against the plain rule (every person
 * against every channel, before and after) on random organizations and random changes.
 */
function everyoneAgainstEverything(before: OrgWorld, after: OrgWorld): AddressedEvent[] {
	const seen = (person: Actor, channels: Map<string, StructuralChannel>) =>
		new Set(
			[...channels.values()]
				.filter((channel) => channelAccess(person, toChannelRef(channel), false).read)
				.map((channel) => channel.id)
		);
	const events: AddressedEvent[] = [];
	for (const [userId, now] of after.people) {
		const was = before.people.get(userId);
		if (!was) continue;
		if (
			was.role !== now.role ||
			was.departmentId !== now.departmentId ||
			was.teamId !== now.teamId
		) {
			const data = { role: now.role, departmentId: now.departmentId, teamId: now.teamId };
			events.push({ userId, event: { kind: 'self.changed', data } });
		}
		const [seenBefore, seenNow] = [seen(was, before.channels), seen(now, after.channels)];
		for (const channelId of seenNow) {
			if (!seenBefore.has(channelId)) {
				events.push({ userId, event: { kind: 'conversation.added', data: { channelId } } });
				continue;
			}
			const [b, a] = [before.channels.get(channelId)!, after.channels.get(channelId)!];
			const change: { channelId: string; name?: string; archived?: boolean } = { channelId };
			if (b.name !== a.name) change.name = a.name;
			if ((b.archivedAt !== null) !== (a.archivedAt !== null))
				change.archived = a.archivedAt !== null;
			if (Object.keys(change).length > 1) {
				events.push({ userId, event: { kind: 'conversation.changed', data: change } });
			}
		}
		for (const channelId of seenBefore) {
			if (!seenNow.has(channelId)) {
				const data = { channelId, why: 'moved' as const };
				events.push({ userId, event: { kind: 'conversation.removed', data } });
			}
		}
	}
	return events;
}

/** A small deterministic generator, so that a failure can be run again. */
function randomOf(seed: number) {
	let state = seed;
	const next = () => {
		state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
		return state / 2 ** 31;
	};
	return { next, pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]! };
}

const ORG = 'org-1';
const DEPARTMENTS = ['d1', 'd2', 'd3'];
const TEAMS: Record<string, string> = { t1: 'd1', t2: 'd1', t3: 'd2', t4: 'd3', t5: 'd3' };
const ROLES = ['super_admin', 'department_head', 'team_manager', 'team_member'] as const;

function world(seed: number): OrgWorld {
	const random = randomOf(seed);
	const people = new Map<string, Actor>();
	for (let i = 0; i < 40; i++) {
		const teamId = random.next() < 0.8 ? random.pick(Object.keys(TEAMS)) : null;
		const departmentId = teamId
			? TEAMS[teamId]!
			: random.next() < 0.5
				? random.pick(DEPARTMENTS)
				: null;
		people.set(`p${i}`, {
			id: `p${i}`,
			orgId: ORG,
			role: random.pick(ROLES),
			status: 'active',
			departmentId,
			teamId
		});
	}
	const channels = new Map<string, StructuralChannel>();
	const channel = (
		id: string,
		kind: StructuralChannel['kind'],
		departmentId: string | null,
		teamId: string | null
	) =>
		channels.set(id, {
			id,
			orgId: ORG,
			kind,
			name: id,
			departmentId,
			teamId,
			postPolicy: 'members',
			archivedAt: null,
			endsAt: null,
			createdBy: null
		});
	channel('news', 'announcements', null, null);
	for (const department of DEPARTMENTS) channel(`c-${department}`, 'department', department, null);
	for (const [team, department] of Object.entries(TEAMS))
		channel(`c-${team}`, 'team', department, team);
	return { people, channels };
}

/** Another world: a few people moved or promoted, channels renamed, archived, added, removed. */
function changed(before: OrgWorld, seed: number): OrgWorld {
	const random = randomOf(seed);
	const people = new Map([...before.people].map(([id, person]) => [id, { ...person }]));
	const channels = new Map([...before.channels].map(([id, channel]) => [id, { ...channel }]));
	for (const person of people.values()) {
		if (random.next() < 0.1) person.role = random.pick(ROLES);
		if (random.next() < 0.1) {
			person.teamId = random.pick([...Object.keys(TEAMS), null]);
			person.departmentId = person.teamId ? TEAMS[person.teamId]! : random.pick(DEPARTMENTS);
		}
	}
	for (const channel of channels.values()) {
		if (random.next() < 0.15) channel.name = `${channel.name} (renamed)`;
		if (random.next() < 0.1) channel.archivedAt = new Date(1_000);
		if (channel.kind === 'team' && random.next() < 0.1)
			channel.departmentId = random.pick(DEPARTMENTS);
	}
	if (random.next() < 0.5) channels.delete(random.pick([...channels.keys()]));
	if (random.next() < 0.5) {
		channels.set('c-new', {
			...before.channels.get('c-t1')!,
			id: 'c-new',
			name: 'New team',
			teamId: 't9'
		});
	}
	return { people, channels };
}

const key = (e: AddressedEvent) => JSON.stringify([e.userId, e.event]);

describe('worldChanges', () => {
	it.each(Array.from({ length: 60 }, (_, i) => i + 1))(
		'tells the same as checking everyone against every channel (random change %i)',
		(seed) => {
			const before = world(seed);
			const after = changed(before, seed * 7919);
			const expected = everyoneAgainstEverything(before, after).map(key).sort();
			expect(worldChanges(before, after).map(key).sort()).toEqual(expected);
		}
	);

	it('tells nobody anything when nothing changed, and only the new channel’s readers of a new team', () => {
		const before = world(1);
		expect(worldChanges(before, before)).toEqual([]);
		const after: OrgWorld = { people: before.people, channels: new Map(before.channels) };
		after.channels.set('c-t9', { ...before.channels.get('c-t1')!, id: 'c-t9', teamId: 't9' });
		const told = worldChanges(before, after);
		// A team nobody is in yet: only those who read every team channel of its department.
		expect(told.every((e) => e.event.kind === 'conversation.added')).toBe(true);
		expect(told.map(key).sort()).toEqual(everyoneAgainstEverything(before, after).map(key).sort());
	});
});
