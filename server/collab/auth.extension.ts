import type { Extension, onAuthenticatePayload } from '@hocuspocus/server';
import type { AppContext } from '../../src/lib/server/app-context.ts';
import { isAppError, isDatabaseUnavailable } from '../../src/lib/server/errors.ts';
import { SESSION_COOKIE } from '../../src/lib/server/auth/session-token.ts';
import { parseDocumentName } from '../../src/lib/shared/chat/document-schema.ts';
import { parsePresenceDocumentName } from '../../src/lib/shared/chat/presence.ts';
import { CollabRefusal, closeCodes, type CollabContext } from './context.ts';
import { unavailable } from './persistence.extension.ts';

/**
 * Admits a connection to one document: a valid session cookie, a well-formed document name,
 * and read access to its channel. Those who may neither post nor react get a read-only
 * connection. An organization's presence document admits its members, read-only. Runs for
 * every document of a multiplexed socket.
 */
export class AuthExtension implements Extension {
	readonly extensionName = 'connectflow-auth';
	readonly priority = 1000;
	readonly app: AppContext;

	constructor(app: AppContext) {
		this.app = app;
	}

	async onAuthenticate(payload: onAuthenticatePayload): Promise<CollabContext> {
		const token = readCookie(payload.requestHeaders.get('cookie') ?? '', SESSION_COOKIE);
		const validated = token ? await this.app.auth.validateToken(token).catch(outage) : null;
		if (!validated) {
			throw new CollabRefusal(closeCodes.unauthenticated, 'unauthenticated: sign in again');
		}
		const presenceOf = parsePresenceDocumentName(payload.documentName);
		if (presenceOf !== null) {
			if (presenceOf !== validated.user.orgId) {
				throw new CollabRefusal(closeCodes.accessRevoked, 'forbidden: you do not have access');
			}
			payload.connectionConfig.readOnly = true;
			return {
				kind: 'presence',
				user: validated.user,
				sessionId: validated.session.id,
				orgId: presenceOf
			};
		}
		const name = parseDocumentName(payload.documentName);
		if (!name)
			throw new CollabRefusal(closeCodes.accessRevoked, 'invalid-document: no such document');
		try {
			const { channel, access } = await this.app.channels.access(validated.user, name.id);
			const kindMatches = (name.kind === 'dm') === (channel.kind === 'dm');
			if (!kindMatches || name.shard > channel.headShard) {
				throw new CollabRefusal(closeCodes.accessRevoked, 'invalid-document: no such document');
			}
			payload.connectionConfig.readOnly = !access.react;
			return {
				kind: 'channel',
				user: validated.user,
				sessionId: validated.session.id,
				channelId: channel.id,
				channelKind: channel.kind,
				shard: name.shard,
				access
			};
		} catch (error) {
			if (isAppError(error)) {
				throw new CollabRefusal(closeCodes.accessRevoked, 'forbidden: you do not have access');
			}
			outage(error);
		}
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
