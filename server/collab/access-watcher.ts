import type { Connection, Hocuspocus } from '@hocuspocus/server';
import type { AppContext } from '../../src/lib/server/app-context.ts';
import { isAppError } from '../../src/lib/server/errors.ts';
import { closeCodes, type CollabContext } from './context.ts';
import type { SessionUser } from '../../src/lib/server/auth/auth.schema.ts';
import type { ChannelAccess } from '../../src/lib/shared/policy.ts';

const accessRevoked = {
	code: closeCodes.accessRevoked,
	reason: 'access-revoked: you no longer have access'
};

/**
 * Follows changes of people, structure and channels while connections are open: a connection
 * whose person lost access is closed at once; one whose rights changed gets the new rights
 * (and is closed when it must become read-only, so the client reconnects as such). Ended
 * sessions close their connections.
 */
export class AccessWatcher {
	readonly app: AppContext;
	readonly hocuspocus: Hocuspocus;
	private unsubscribe: (() => void)[] = [];
	private timer: ReturnType<typeof setInterval> | null = null;

	constructor(app: AppContext, hocuspocus: Hocuspocus) {
		this.app = app;
		this.hocuspocus = hocuspocus;
	}

	start(): void {
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
					void this.recheck((c) => c.kind === 'channel' && c.channelId === channelId)
			),
			events.on('sessions.ended', ({ userId, sessionIds }) =>
				this.closeWhere(
					(c) => c.user.id === userId && (sessionIds === 'all' || sessionIds.includes(c.sessionId)),
					closeCodes.unauthenticated,
					'unauthenticated: your session has ended'
				)
			)
		];
	}

	stop(): void {
		for (const off of this.unsubscribe) off();
		this.unsubscribe = [];
		if (this.timer) clearInterval(this.timer);
		this.timer = null;
	}

	/** Project rooms turn read-only when their end date passes, with no event to announce it. */
	watchDeadlines(intervalMs = 30_000): void {
		this.timer = setInterval(() => {
			void this.recheck(
				(context) =>
					context.kind === 'channel' && context.channelKind === 'project' && context.access.react
			);
		}, intervalMs);
		this.timer.unref();
	}

	/**
	 * Re-evaluates the rights of every matching connection against the database: each person is
	 * read once and each (person, channel) checked once, however many connections they have.
	 * A presence connection needs only an active person (of the same organization).
	 */
	async recheck(matches: (context: CollabContext) => boolean): Promise<void> {
		const affected = this.connections().filter((connection) => matches(connection.context));
		const users = new Map<string, Promise<SessionUser | null>>();
		const rights = new Map<string, Promise<ChannelAccess | null>>();
		for (const connection of affected) {
			const context = connection.context;
			if (!users.has(context.user.id)) users.set(context.user.id, this.currentUser(context.user));
			const user = await users.get(context.user.id)!;
			if (!user) {
				connection.close({
					code: closeCodes.unauthenticated,
					reason: 'unauthenticated: account inactive'
				});
				continue;
			}
			if (context.kind === 'presence') {
				if (user.orgId !== context.orgId) connection.close(accessRevoked);
				else context.user = user;
				continue;
			}
			const key = `${user.id}/${context.channelId}`;
			if (!rights.has(key)) rights.set(key, this.accessOf(user, context.channelId));
			const access = await rights.get(key)!;
			if (!access) {
				connection.close(accessRevoked);
				continue;
			}
			const wasReadOnly = !context.access.react;
			context.user = user;
			context.access = access;
			if (wasReadOnly !== !access.react) {
				connection.close({ code: closeCodes.accessRevoked, reason: 'access-changed: reconnect' });
			}
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

	private async accessOf(user: SessionUser, channelId: string): Promise<ChannelAccess | null> {
		try {
			return (await this.app.channels.access(user, channelId)).access;
		} catch (error) {
			if (!isAppError(error)) throw error;
			return null;
		}
	}

	private closeWhere(
		matches: (context: CollabContext) => boolean,
		code: number,
		reason: string
	): void {
		for (const connection of this.connections()) {
			if (matches(connection.context)) connection.close({ code, reason });
		}
	}

	private connections(): Connection<CollabContext>[] {
		const all: Connection<CollabContext>[] = [];
		for (const document of this.hocuspocus.documents.values()) {
			for (const connection of document.getConnections()) {
				if (connection.context?.user) all.push(connection as Connection<CollabContext>);
			}
		}
		return all;
	}
}
