import type { Connection, Hocuspocus } from '@hocuspocus/server';
import type { AppContext } from '../../src/lib/server/app-context.ts';
import { isAppError } from '../../src/lib/server/errors.ts';
import { closeCodes, type CollabContext } from './context.ts';

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
				({ channelId }) => void this.recheck((c) => c.channelId === channelId)
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
			void this.recheck((context) => context.channelKind === 'project' && context.access.react);
		}, intervalMs);
		this.timer.unref();
	}

	/** Re-evaluates the rights of every matching connection against the database. */
	async recheck(matches: (context: CollabContext) => boolean): Promise<void> {
		const affected = this.connections().filter((connection) => matches(connection.context));
		for (const connection of affected) {
			const context = connection.context;
			const person = await this.app.people.people.find(context.user.id);
			if (!person || person.status !== 'active') {
				connection.close({
					code: closeCodes.unauthenticated,
					reason: 'unauthenticated: account inactive'
				});
				continue;
			}
			const user = {
				...context.user,
				role: person.role,
				departmentId: person.departmentId,
				teamId: person.teamId
			};
			try {
				const { access } = await this.app.channels.access(user, context.channelId);
				const wasReadOnly = !context.access.react;
				context.user = user;
				context.access = access;
				if (wasReadOnly !== !access.react) {
					connection.close({ code: closeCodes.accessRevoked, reason: 'access-changed: reconnect' });
				}
			} catch (error) {
				if (!isAppError(error)) throw error;
				connection.close({
					code: closeCodes.accessRevoked,
					reason: 'access-revoked: you no longer have access'
				});
			}
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
