import { channelAccess, type Actor } from '#shared/policy.ts';
import type { FeedEventBody } from '#shared/feed/feed-event.ts';
import { toChannelRef } from '../channels/channel.service.ts';
import type { StructuralChannel } from './feed-audience.repository.ts';

/**
 * What the org structure looks like to some people at one moment: their role and placement,
 * and the channels that follow the structure. Invitations do not change with the structure, so
 * they are left out.
 */
export interface OrgWorld {
	people: Map<string, Actor>;
	channels: Map<string, StructuralChannel>;
}

export interface AddressedEvent {
	userId: string;
	event: FeedEventBody;
}

/**
 * The feed events a structure change makes, from the world before to the world after: each
 * person whose role or place changed is told so; each person who now sees a structural channel
 * or no longer does is told that; the readers of a structural channel that was renamed or
 * archived are told that. People in only one of the two (activated, deactivated) are left out:
 * they are not connected, or their sessions end.
 */
export function worldChanges(before: OrgWorld, after: OrgWorld): AddressedEvent[] {
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
		const seenBefore = visible(was, before.channels);
		const seenNow = visible(now, after.channels);
		for (const channelId of seenNow) {
			if (seenBefore.has(channelId)) {
				const change = channelChange(
					before.channels.get(channelId)!,
					after.channels.get(channelId)!
				);
				if (change) events.push({ userId, event: { kind: 'conversation.changed', data: change } });
			} else events.push({ userId, event: { kind: 'conversation.added', data: { channelId } } });
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

function visible(person: Actor, channels: Map<string, StructuralChannel>): Set<string> {
	const seen = new Set<string>();
	for (const channel of channels.values()) {
		if (channelAccess(person, toChannelRef(channel), false).read) seen.add(channel.id);
	}
	return seen;
}

function channelChange(before: StructuralChannel, after: StructuralChannel) {
	const change: { channelId: string; name?: string; archived?: boolean } = { channelId: after.id };
	if (before.name !== after.name) change.name = after.name;
	const archived = after.archivedAt !== null;
	if ((before.archivedAt !== null) !== archived) change.archived = archived;
	return Object.keys(change).length > 1 ? change : null;
}
