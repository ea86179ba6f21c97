import type {
	beforeHandleAwarenessPayload,
	Connection,
	Document,
	Extension
} from '@hocuspocus/server';
import { conversationAwarenessSchema } from '#shared/chat/awareness.ts';
import type { CollabContext } from './context.ts';

/** Awareness client ids one connection may claim in a document (a provider uses one). */
const MAX_CLIENT_IDS_PER_CONNECTION = 4;

/**
 * Relays a conversation's awareness only as the app uses it: each state is a typing signal of
 * the conversationAwarenessSchema shape under the sender's true identity, or it is dropped. An
 * awareness client id belongs to the person who first used it in the document (their own
 * reconnections keep it): another person's states under it are dropped, so that nobody can
 * take over someone's id and leave their typing unseen (awareness keeps the higher clock).
 */
export class AwarenessExtension implements Extension {
	readonly extensionName = 'connectflow-awareness';
	readonly priority = 900;
	/** Per loaded document: awareness client id → the person it belongs to. */
	private owners = new WeakMap<Document, Map<number, string>>();
	/** Client ids each connection has claimed, to bound what one connection makes us remember. */
	private claims = new WeakMap<Connection, number>();

	async beforeHandleAwareness(payload: beforeHandleAwarenessPayload<CollabContext>): Promise<void> {
		const { states, document, connection } = payload;
		const context = payload.context;
		const owners = this.ownersOf(document);
		if (!context || !connection) {
			// From another process (Redis), which checked it and set its `user`: it still may not
			// take over an id that belongs to someone else here.
			for (const [clientId, state] of states) {
				const userId = (state as { user?: { id?: unknown } }).user?.id;
				if (typeof userId !== 'string') states.delete(clientId);
				else if ((owners.get(clientId) ?? userId) !== userId) states.delete(clientId);
				else owners.set(clientId, userId);
			}
			return;
		}
		if (context.kind === 'presence' || context.refused) {
			// Presence travels as the server's summaries (presence.extension.ts): awareness there
			// would reach every tab of the organization.
			states.clear();
			return;
		}
		for (const [clientId, state] of states) {
			const owner = owners.get(clientId);
			const parsed = conversationAwarenessSchema.safeParse(state);
			if ((owner !== undefined && owner !== context.user.id) || !parsed.success) {
				states.delete(clientId);
				continue;
			}
			if (owner === undefined) {
				const claimed = this.claims.get(connection) ?? 0;
				if (claimed >= MAX_CLIENT_IDS_PER_CONNECTION) {
					states.delete(clientId);
					continue;
				}
				this.claims.set(connection, claimed + 1);
				owners.set(clientId, context.user.id);
			}
			states.set(clientId, {
				user: { id: context.user.id, name: context.user.name },
				typing: parsed.data.typing
			});
		}
	}

	private ownersOf(document: Document): Map<number, string> {
		let owners = this.owners.get(document);
		if (!owners) {
			owners = new Map();
			this.owners.set(document, owners);
		}
		return owners;
	}
}
