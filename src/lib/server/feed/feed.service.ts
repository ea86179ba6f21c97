import type { Sql } from '../db/database.ts';
import type { DomainEvents } from '../events.ts';
import type { ChannelRow } from '../channels/channel.repository.ts';
import { toChannelRef } from '../channels/channel.service.ts';
import { channelAccess } from '#shared/policy.ts';
import type { Notification } from '#shared/api/notifications.schema.ts';
import type {
	FeedEnvelope,
	FeedEventBody,
	FeedMessage,
	RemovalReason
} from '#shared/feed/feed-event.ts';
import type { FeedAudienceRepository } from './feed-audience.repository.ts';
import type { FeedRepository, FeedRow } from './feed.repository.ts';
import { worldChanges, type AddressedEvent, type OrgWorld } from './world-changes.ts';
import { Wired } from '#shared/wired.ts';

/** Most events one answer carries; a client further behind gets the rest in the next ones. */
export const FEED_PAGE = 200;

/**
 * Each person's live feed (src/lib/shared/feed/feed-event.ts). The services that change
 * someone's world call it inside their own transaction, so the events are stored with the
 * change or not at all, and once it has committed call `notify` with the people it returned:
 * that is the `feed.appended` domain event, which the collaboration server (of every process,
 * relayed through Redis) answers by sending those people's open feeds what is new. Appending
 * happens here, in the process that made the change, never in a listener of relayed events.
 */
export class FeedService extends Wired<{
	feed: FeedRepository;
	audience: FeedAudienceRepository;
	events: DomainEvents;
}>() {
	/** People now able to see a conversation (a new one, an invitation). */
	conversationAdded(tx: Sql, channelId: string, userIds: string[]): Promise<string[]> {
		return this.append(
			tx,
			userIds.map((userId) => addressed(userId, 'conversation.added', channelId))
		);
	}

	/** People no longer able to see a conversation, and why. */
	conversationRemoved(
		tx: Sql,
		channelId: string,
		userIds: string[],
		why: RemovalReason
	): Promise<string[]> {
		return this.append(
			tx,
			userIds.map((userId) => ({
				userId,
				event: { kind: 'conversation.removed', data: { channelId, why } }
			}))
		);
	}

	/** A conversation's settings changed: everybody who reads it is told what changed. */
	async conversationChanged(tx: Sql, before: ChannelRow, after: ChannelRow): Promise<string[]> {
		const data: Extract<FeedEventBody, { kind: 'conversation.changed' }>['data'] = {
			channelId: after.id
		};
		if (before.name !== after.name) data.name = after.name;
		if (before.topic !== after.topic) data.topic = after.topic;
		if (before.postPolicy !== after.postPolicy) data.postPolicy = after.postPolicy;
		if ((before.archivedAt === null) !== (after.archivedAt === null)) {
			data.archived = after.archivedAt !== null;
		}
		if (Object.keys(data).length === 1) return [];
		const ref = toChannelRef(after);
		const people = await this.audience.peopleFor(after.orgId, after.id, tx);
		const readers = people.filter(
			(person) => channelAccess(person, ref, person.explicitMember).read
		);
		return this.append(
			tx,
			readers.map(({ id }) => ({ userId: id, event: { kind: 'conversation.changed', data } }))
		);
	}

	/** Everybody still active in the organization shares its announcements with the person. */
	async personDeactivated(tx: Sql, orgId: string, personId: string): Promise<string[]> {
		const people = await this.audience.people(orgId, null, tx);
		return this.append(
			tx,
			people
				.filter(({ id }) => id !== personId)
				.map(({ id }) => ({
					userId: id,
					event: { kind: 'person.deactivated', data: { personId } }
				}))
		);
	}

	/** New notifications, each for its person (notifications/notification.service.ts). */
	notificationsCreated(
		tx: Sql,
		created: { userId: string; notification: Notification }[]
	): Promise<string[]> {
		return this.append(
			tx,
			created.map(({ userId, notification }) => ({
				userId,
				event: { kind: 'notification.created', data: { notification } }
			}))
		);
	}

	/** A person's notifications were read: every open tab of theirs shows it. */
	notificationsRead(tx: Sql, userId: string, ids: string[]): Promise<string[]> {
		const events: AddressedEvent[] = [];
		// One event stays small however many were read at once.
		for (let start = 0; start < ids.length; start += 1000) {
			events.push({
				userId,
				event: { kind: 'notification.read', data: { ids: ids.slice(start, start + 1000) } }
			});
		}
		return this.append(tx, events);
	}

	/**
	 * The structure as `personIds` (everybody when null) see it, before a change of roles,
	 * places, departments or teams; hand it to `worldChanged` once the change is made.
	 */
	async world(tx: Sql, orgId: string, personIds: string[] | null = null): Promise<OrgWorld> {
		const [people, channels] = await Promise.all([
			this.audience.people(orgId, personIds, tx),
			this.audience.structuralChannels(orgId, tx)
		]);
		return {
			people: new Map(people.map((person) => [person.id, person])),
			channels: new Map(channels.map((channel) => [channel.id, channel]))
		};
	}

	/** Appends what changed since `before` for the same people (world-changes.ts). */
	async worldChanged(tx: Sql, orgId: string, before: OrgWorld): Promise<string[]> {
		const after = await this.world(tx, orgId, [...before.people.keys()]);
		return this.append(tx, worldChanges(before, after));
	}

	/** One event for each of these people (breakout rooms' end, warnings, new end). */
	tell(tx: Sql, userIds: string[], event: FeedEventBody): Promise<string[]> {
		return this.append(
			tx,
			userIds.map((userId) => ({ userId, event }))
		);
	}

	/** Several `tell`s in one write (the rooms that end together). */
	tellEach(tx: Sql, told: { userIds: string[]; event: FeedEventBody }[]): Promise<string[]> {
		return this.append(
			tx,
			told.flatMap(({ userIds, event }) => userIds.map((userId) => ({ userId, event })))
		);
	}

	/** Tells every process that these people's feeds have news (after the commit). */
	notify(userIds: string[]): void {
		if (userIds.length > 0) this.events.emit('feed.appended', { userIds: [...new Set(userIds)] });
	}

	/** What a client that has seen up to `after` is to receive now. */
	async since(userId: string, after: number): Promise<FeedMessage> {
		const head = await this.feed.head(userId);
		// Further behind than what is kept, or ahead of it (a database restored from a backup).
		if (after > head || head - after > this.feed.keep) return { type: 'reset', seq: head };
		const rows = after === head ? [] : await this.feed.after(userId, after, FEED_PAGE);
		return { type: 'events', events: rows.map(toEnvelope) };
	}

	/**
	 * What is new for several people at once (one query), each after their own seq, at most
	 * FEED_PAGE each: the live path, for people whose tabs are up to date.
	 */
	async newFor(from: Map<string, number>): Promise<Map<string, FeedEnvelope[]>> {
		const found = new Map<string, FeedEnvelope[]>();
		for (const row of await this.feed.afterMany(from, FEED_PAGE)) {
			const list = found.get(row.userId) ?? [];
			list.push(toEnvelope(row));
			found.set(row.userId, list);
		}
		return found;
	}

	/** The person's last seq: where a page that reads everything now starts its feed. */
	head(userId: string): Promise<number> {
		return this.feed.head(userId);
	}

	private async append(tx: Sql, events: AddressedEvent[]): Promise<string[]> {
		await this.feed.append(
			events.map(({ userId, event }) => ({ userId, kind: event.kind, data: event.data })),
			tx
		);
		return events.map(({ userId }) => userId);
	}
}

function toEnvelope(row: FeedRow): FeedEnvelope {
	return { seq: row.seq, at: row.at.toISOString(), kind: row.kind, data: row.data };
}

function addressed(userId: string, kind: 'conversation.added', channelId: string): AddressedEvent {
	return { userId, event: { kind, data: { channelId } } };
}
