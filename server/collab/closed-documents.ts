import { MessageType, type Hocuspocus } from '@hocuspocus/server';
import type { FrameHeader } from './frames.ts';

type ClientConnection = ReturnType<Hocuspocus['handleConnection']>;

/** What a client says about a document once it is connected (everything but Auth, Ping, Pong). */
const DOCUMENT_MESSAGES: ReadonlySet<number> = new Set([
	MessageType.Sync,
	MessageType.Awareness,
	MessageType.QueryAwareness,
	MessageType.SyncReply,
	MessageType.Stateless,
	MessageType.CLOSE
]);

/** The parts of Hocuspocus's ClientConnection (4.x) that say which documents are open. */
interface OpenDocuments {
	documentConnections: Record<string, unknown>;
	documentConnectionsEstablished: Set<string>;
}

/**
 * Whether a client's message is for a document whose connection the server has closed (a
 * refusal: "resync", "stale", "unavailable") and that the client has not opened again.
 *
 * Hocuspocus keeps such messages and applies them to the next connection of that document on the
 * socket, as if they had been sent after it authenticated. The client's updates that were on the
 * way when the refusal was sent thus reached its next connection ahead of its sync (a gap:
 * "resync" again), and the close that a provider sends when it detaches to connect again closed
 * that next connection as soon as it opened, after which every update the client sent went into a
 * queue that nothing reads: the client showed them as sending forever. A client always
 * authenticates a document before it speaks about it, and its sync carries whatever it held, so
 * these messages are dropped.
 */
export function isForClosedDocument(client: ClientConnection, header: FrameHeader): boolean {
	const open = client as unknown as OpenDocuments;
	const { address, type } = header;
	if (!DOCUMENT_MESSAGES.has(type)) return false;
	const name = address.split('\0')[0]!;
	if (open.documentConnections[address] ?? open.documentConnections[name]) return false;
	// Authenticated (or authenticating): its messages wait for the connection, as they should.
	return !open.documentConnectionsEstablished.has(address);
}
