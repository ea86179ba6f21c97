import { randomUUID } from 'node:crypto';
import type { Extension, onAuthenticatePayload } from '@hocuspocus/server';
import type { AppContext } from '#server/app-context.ts';
import { isAppError, isDatabaseUnavailable } from '#server/errors.ts';
import { SESSION_COOKIE } from '#server/auth/session-token.ts';
import type { SessionUser } from '#shared/api/auth.schema.ts';
import { logger } from '#server/logging/logger.ts';
import { parseDocumentName } from '#shared/chat/document-schema.ts';
import { parsePresenceDocumentName } from '#shared/chat/presence.ts';
import { parseFeedDocumentName } from '#shared/feed/feed-event.ts';
import { CollabRefusal, unavailable, type CollabContext } from './context.ts';
import { resolveConversation } from './conversations.ts';

/**
 * Admits a connection to one document: a valid session cookie, a well-formed document name
 * that resolves to a conversation of its own kind (conversations.ts), and read access to it.
 * Those who may neither post nor react get a read-only connection. An organization's presence
 * document admits its members, read-only; a person's feed admits that person only, read-only.
 * Runs for every document of a multiplexed socket; each
 * admitted connection gets an id and its own child of the logger.
 */
export class AuthExtension implements Extension {
	readonly extensionName = 'connectflow-auth';
	readonly priority = 1000;
	readonly app: AppContext;

	constructor(app: AppContext) {
		this.app = app;
	}

	async onAuthenticate(payload: onAuthenticatePayload): Promise<CollabContext> {
		try {
			return await this.admit(payload);
		} catch (error) {
			if (error instanceof CollabRefusal) {
				logger.warn(
					{ document: payload.documentName, code: error.reasonCode, reason: error.reason },
					'connection refused'
				);
			}
			throw error;
		}
	}

	private async admit(payload: onAuthenticatePayload): Promise<CollabContext> {
		const token = readCookie(payload.requestHeaders.get('cookie') ?? '', SESSION_COOKIE);
		const validated = token ? await this.app.auth.validateToken(token).catch(outage) : null;
		if (!validated) {
			throw new CollabRefusal('unauthenticated');
		}
		const presenceOf = parsePresenceDocumentName(payload.documentName);
		if (presenceOf !== null) {
			if (presenceOf !== validated.user.orgId) {
				throw new CollabRefusal('forbidden');
			}
			payload.connectionConfig.readOnly = true;
			return {
				kind: 'presence',
				...this.connection(validated.user, validated.session.id, payload.documentName),
				orgId: presenceOf
			};
		}
		const feedOf = parseFeedDocumentName(payload.documentName);
		if (feedOf !== null) {
			if (feedOf !== validated.user.id) throw new CollabRefusal('forbidden');
			payload.connectionConfig.readOnly = true;
			return {
				kind: 'feed',
				...this.connection(validated.user, validated.session.id, payload.documentName)
			};
		}
		const name = parseDocumentName(payload.documentName);
		if (!name) throw new CollabRefusal('invalid-document');
		try {
			const resolved = await resolveConversation(this.app, validated.user, name);
			if (!resolved || name.shard > resolved.headShard) {
				throw new CollabRefusal('invalid-document');
			}
			payload.connectionConfig.readOnly = !resolved.access.react;
			return {
				kind: 'channel',
				...this.connection(validated.user, validated.session.id, payload.documentName),
				conversation: resolved.conversation,
				channelKind: resolved.channelKind,
				endsAt: resolved.endsAt,
				shard: name.shard,
				access: resolved.access
			};
		} catch (error) {
			if (isAppError(error)) {
				throw new CollabRefusal('forbidden');
			}
			outage(error);
		}
	}

	private connection(user: SessionUser, sessionId: string, document: string) {
		const connectionId = randomUUID();
		const log = logger.child({ connectionId, userId: user.id, document });
		return { user, sessionId, connectionId, log };
	}
}

/** Rethrows an error, as "unavailable" when it is an outage of our database (never "forbidden"). */
function outage(error: unknown): never {
	throw isDatabaseUnavailable(error) ? unavailable(error) : error;
}

export function readCookie(header: string, name: string): string | null {
	for (const part of header.split(';')) {
		const [key, ...value] = part.trim().split('=');
		if (key !== name) continue;
		try {
			return decodeURIComponent(value.join('='));
		} catch {
			return null;
		}
	}
	return null;
}
