import type { Connection, connectedPayload, Extension, Hocuspocus } from '@hocuspocus/server';
import type { AppContext } from '#server/app-context.ts';
import { isAppError } from '#server/errors.ts';
import { closeReason } from '#shared/collab/close-reasons.ts';
import type { ChannelContext, CollabContext } from './context.ts';
import { resolveConversation, type ResolvedConversation } from './conversations.ts';
import type { SessionUser } from '#shared/api/auth.schema.ts';
import { logger } from '#server/logging/logger.ts';

/** setTimeout's longest delay (about 24.8 days): a later end is waited for in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const accessRevoked = closeReason('access-revoked');

/**
 * Follows changes of people, structure and channels while connections are open: a connection
 * whose person lost access is closed at once; one whose rights changed gets the new rights
 * (and is closed when it must become read-only, so the client reconnects as such). Ended
 * sessions close their connections. A project room's end has no event: each room with writing
 * connections has a timer at its end (the ingest refuses writes from that moment on already).
 */
export class AccessWatcher implements Extension {
	readonly extensionName = 'connectflow-access-watcher';
	readonly app: AppContext;
	private hocuspocus: Hocuspocus | null = null;
	private unsubscribe: (() => void)[] = [];
	/** One timer per conversation (kind.id) that ends while connections may write in it. */
	private endTimers = new Map<string, { at: number; timer: ReturnType<typeof setTimeout> }>();

	constructor(app: AppContext) {
		this.app = app;
	}

	/** Starts following events for the connections of `hocuspocus` (which has this extension). */
	start(hocuspocus: Hocuspocus): void {
		this.hocuspocus = hocuspocus;
		const events = this.app.events;
		this.unsubscribe = [
			events.on(
				'person.changed',
				({ personId }) => void this.recheck((c) => c.user.id === personId)
			),
			events.on(
				'structure.changed',
				({ orgId }) => void this.recheck((c) => c.user.orgId === orgId)
			),
			events.on(
				'channel.changed',
				({ channelId }) =>
					void this.recheck((c) => c.kind === 'channel' && c.conversation.id === channelId)
			),
			events.on('sessions.ended', ({ userId, sessionIds }) =>
				this.closeWhere(
					(c) => c.user.id === userId && (sessionIds === 'all' || sessionIds.includes(c.sessionId)),
					closeReason('unauthenticated', 'your session has ended')
				)
			)
		];
	}

	stop(): void {
		for (const off of this.unsubscribe) off();
		this.unsubscribe = [];
		for (const { timer } of this.endTimers.values()) clearTimeout(timer);
		this.endTimers.clear();
	}

	async connected({ context }: connectedPayload<CollabContext>): Promise<void> {
		if (context.kind === 'channel') this.watchEnd(context);
	}

	/**
	 * Rechecks a conversation's writing connections at its end, so that they are closed as
	 * "access-changed" (the clients reconnect read-only) at that moment.
	 */
	private watchEnd(context: ChannelContext): void {
		const { endsAt } = context;
		if (endsAt === null || !context.access.react) return;
		const key = `${context.conversation.kind}.${context.conversation.id}`;
		const existing = this.endTimers.get(key);
		if (existing?.at === endsAt) return;
		if (existing) clearTimeout(existing.timer);
		const fire = () => {
			if (Date.now() < endsAt) {
				// A step of a far end, or a timer a millisecond early: wait for the rest.
				schedule();
				return;
			}
			this.endTimers.delete(key);
			void this.closeAtEnd(context.conversation.kind, context.conversation.id);
		};
		const schedule = () => {
			const timer = setTimeout(fire, Math.min(MAX_TIMER_MS, Math.max(0, endsAt - Date.now())));
			timer.unref();
			this.endTimers.set(key, { at: endsAt, timer });
		};
		schedule();
	}

	/**
	 * A conversation's end has come: its writing connections turn read-only at once. One read of
	 * the conversation says whether its end still stands (an extension may have moved it); then
	 * every writer is closed as "access-changed" without a check per person, which at the end of
	 * a hundred breakout rooms at once would be two queries for each of their connections, in
	 * turn. When the end moved (or the read failed), the full recheck decides.
	 */
	private async closeAtEnd(kind: string, id: string): Promise<void> {
		const matches = (c: CollabContext) =>
			c.kind === 'channel' && c.conversation.kind === kind && c.conversation.id === id;
		const row = await this.app.channels.channels.find(id).catch(() => null);
		const end = row?.endsAt?.getTime() ?? null;
		if (end === null || end > Date.now()) {
			await this.recheck(matches);
			return;
		}
		for (const connection of this.connections()) {
			const context = connection.context;
			if (!matches(context) || context.kind !== 'channel') continue;
			context.endsAt = end;
			if (context.access.react) connection.close(closeReason('access-changed'));
		}
	}

	/**
	 * Re-evaluates the rights of every matching connection against the database: each person is
	 * read once and each (person, channel) checked once, however many connections they have.
	 * A presence connection needs only an active person (of the same organization); a feed
	 * connection only an active person.
	 *
	 * The change is committed when its event arrives, but reading the rights takes a few queries:
	 * so before the first of them, in the event's own turn, each affected conversation connection
	 * is marked as being read again (`rightsReread`), and the ingest holds its updates until then.
	 */
	recheck(matches: (context: CollabContext) => boolean): Promise<void> {
		const affected = this.connections().filter((connection) => matches(connection.context));
		const reread = this.reread(affected);
		const settled = reread.then(
			() => true,
			(error: unknown) => {
				// Their updates are refused as "resync" meanwhile: they connect again, and the auth
				// extension reads the rights afresh (or reports the outage).
				logger.warn({ err: error }, 'reading rights again after a change failed');
				return false;
			}
		);
		for (const { context } of affected) {
			if (context.kind === 'channel') context.rightsReread = settled;
		}
		void settled.then(() => {
			for (const { context } of affected) {
				if (context.kind === 'channel' && context.rightsReread === settled) {
					delete context.rightsReread;
				}
			}
		});
		return reread;
	}

	private async reread(affected: Connection<CollabContext>[]): Promise<void> {
		const users = new Map<string, Promise<SessionUser | null>>();
		const rights = new Map<string, Promise<ResolvedConversation | null>>();
		for (const connection of affected) {
			const context = connection.context;
			if (!users.has(context.user.id)) users.set(context.user.id, this.currentUser(context.user));
			const user = await users.get(context.user.id)!;
			if (!user) {
				connection.close(closeReason('unauthenticated', 'account inactive'));
				continue;
			}
			if (context.kind === 'feed') {
				context.user = user;
				continue;
			}
			if (context.kind === 'presence') {
				if (user.orgId !== context.orgId) connection.close(accessRevoked);
				else context.user = user;
				continue;
			}
			const { kind, id } = context.conversation;
			const key = `${user.id}/${kind}.${id}`;
			if (!rights.has(key)) rights.set(key, this.resolve(user, context));
			const resolved = await rights.get(key)!;
			if (!resolved) {
				// Nothing still queued on it may pass as written under the old rights.
				context.access = { read: false, post: false, react: false, moderate: false, manage: false };
				connection.close(accessRevoked);
				continue;
			}
			const wasReadOnly = !context.access.react;
			context.user = user;
			context.access = resolved.access;
			context.endsAt = resolved.endsAt;
			if (wasReadOnly !== !resolved.access.react) {
				connection.close(closeReason('access-changed'));
			} else this.watchEnd(context);
		}
	}

	/** The person as the database has them now, or null when they may no longer be connected. */
	private async currentUser(known: SessionUser): Promise<SessionUser | null> {
		const person = await this.app.people.people.find(known.id);
		if (!person || person.status !== 'active') return null;
		return {
			...known,
			role: person.role,
			departmentId: person.departmentId,
			teamId: person.teamId
		};
	}

	private async resolve(
		user: SessionUser,
		context: ChannelContext
	): Promise<ResolvedConversation | null> {
		try {
			return await resolveConversation(this.app, user, context.conversation);
		} catch (error) {
			if (!isAppError(error)) throw error;
			return null;
		}
	}

	private closeWhere(
		matches: (context: CollabContext) => boolean,
		close: { code: number; reason: string }
	): void {
		for (const connection of this.connections()) {
			if (matches(connection.context)) connection.close(close);
		}
	}

	private connections(): Connection<CollabContext>[] {
		const all: Connection<CollabContext>[] = [];
		for (const document of this.hocuspocus?.documents.values() ?? []) {
			for (const connection of document.getConnections()) {
				if (connection.context?.user) all.push(connection as Connection<CollabContext>);
			}
		}
		return all;
	}
}
