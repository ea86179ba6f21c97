import type {
	beforeHandleAwarenessPayload,
	Connection,
	Document,
	Extension
} from '@hocuspocus/server';
import * as Y from 'yjs';
import { conversationAwarenessSchema } from '#shared/chat/awareness.ts';
import { parseUserRoot } from '#shared/chat/keys.ts';
import type { AwarenessOwners } from './awareness-owners.ts';
import type { CollabContext } from './context.ts';
import { logger } from '#server/logging/logger.ts';

/** Awareness client ids one connection may claim in a document (a provider uses one). */
const MAX_CLIENT_IDS_PER_CONNECTION = 4;

/**
 * Relays a conversation's awareness only as the app uses it: each state is a typing signal of
 * the conversationAwarenessSchema shape under the sender's true identity, or it is dropped. An
 * awareness client id belongs to one person (see awareness-owners.ts): the writer whose content
 * the document holds under that id, else whoever first used it in the document, on any process
 * and also after the document was unloaded. Another person's states under it are dropped, so
 * nobody can take over someone's id and leave their typing unseen (awareness keeps the higher
 * clock).
 */
export class AwarenessExtension implements Extension {
	readonly extensionName = 'connectflow-awareness';
	readonly priority = 900;
	private readonly owners: AwarenessOwners;
	/** Client ids each connection has claimed, to bound what one connection makes us remember. */
	private claims = new WeakMap<Connection, Set<number>>();

	constructor(owners: AwarenessOwners) {
		this.owners = owners;
	}

	async beforeHandleAwareness(payload: beforeHandleAwarenessPayload<CollabContext>): Promise<void> {
		const { states, document, connection } = payload;
		const context = payload.context;
		if (!context || !connection) {
			// From another process (Redis), which checked it and set its `user`: it still may not
			// take over an id that belongs to someone else.
			for (const [clientId, state] of states) {
				const userId = (state as { user?: { id?: unknown } }).user?.id;
				if (
					typeof userId !== 'string' ||
					(await this.ownerOf(document, clientId, userId)) !== userId
				) {
					states.delete(clientId);
				}
			}
			return;
		}
		if (context.kind !== 'channel' || context.refused) {
			// Presence travels as the server's summaries (presence.extension.ts): awareness there
			// would reach every tab of the organization. A feed carries the server's events only.
			states.clear();
			return;
		}
		const claimed = this.claimsOf(connection);
		for (const [clientId, state] of states) {
			const parsed = conversationAwarenessSchema.safeParse(state);
			const mayClaim = claimed.has(clientId) || claimed.size < MAX_CLIENT_IDS_PER_CONNECTION;
			if (!parsed.success || !mayClaim) {
				states.delete(clientId);
				continue;
			}
			if ((await this.ownerOf(document, clientId, context.user.id)) !== context.user.id) {
				logger.warn(
					{ code: 'awareness-id-taken', userId: context.user.id, document: document.name },
					'awareness refused'
				);
				states.delete(clientId);
				continue;
			}
			claimed.add(clientId);
			states.set(clientId, {
				user: { id: context.user.id, name: context.user.name },
				typing: parsed.data.typing
			});
		}
	}

	/** Whom `clientId` belongs to, claiming it for `userId` if nobody has it; undefined if unknown. */
	private async ownerOf(
		document: Document,
		clientId: number,
		userId: string
	): Promise<string | undefined> {
		const writer = writerOf(document, clientId);
		if (writer !== null) return writer;
		try {
			return await this.owners.claim(document.name, clientId, userId);
		} catch (error) {
			// Typing is not worth relaying under an owner nobody could confirm.
			logger.warn({ err: error, document: document.name }, 'awareness owner unknown');
			return undefined;
		}
	}

	private claimsOf(connection: Connection): Set<number> {
		let claimed = this.claims.get(connection);
		if (!claimed) {
			claimed = new Set();
			this.claims.set(connection, claimed);
		}
		return claimed;
	}
}

/**
 * The person whose content the document holds under `clientId`, if any: the update guard binds
 * a Yjs client id to the area of its first item, and awareness uses the Yjs client id, so this
 * owner is stored with the document itself and the same on every process.
 */
function writerOf(document: Document, clientId: number): string | null {
	const first = document.store.clients.get(clientId)?.[0];
	if (!(first instanceof Y.Item)) return null;
	const parent = first.parent as Y.AbstractType<unknown> | null;
	if (!parent || parent._item !== null) return null;
	for (const [name, type] of document.share) {
		if (type === parent) return parseUserRoot(name);
	}
	return null;
}
