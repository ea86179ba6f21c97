import * as Y from 'yjs';

/**
 * Keeps the tabs of one person consistent, online and offline. y-indexeddb gives every tab the
 * same stored copy at load, but does not tell the other open tabs what one of them writes; the
 * server would, but only online. So every local change of a document is also posted on a
 * BroadcastChannel of that document, and applied by the other tabs that hold it open.
 *
 * The receiving tabs need not send a relayed change to the server when the sending tab was in
 * sync (it sends it itself): such updates carry the origin `RELAYED_SENT`, which SyncedProvider
 * skips. Changes written while not in sync carry `RELAYED_UNSENT` and go out like local ones
 * (any tab's sync handshake carries them anyway). A tab that opens a document asks the others
 * for what it lacks (its state vector); a tab that had to drop its copy after a refusal tells
 * the others to do the same.
 */

export const RELAYED_SENT = Symbol('relayed from another tab, sent by it');
export const RELAYED_UNSENT = Symbol('relayed from another tab, not sent yet');

type RelayMessage =
	| { kind: 'update'; update: Uint8Array; sent: boolean; from: string }
	| { kind: 'hello'; stateVector: Uint8Array; from: string }
	| { kind: 'reset'; from: string };

export interface TabRelay {
	/** Tell the other tabs that this document's copy was dropped (after a refusal). */
	announceReset(): void;
	close(): void;
}

export interface TabRelayOptions {
	/** Whether this tab's provider is in sync (its local changes reach the server by itself). */
	isSynced: () => boolean;
	/** Another tab dropped its copy of this document. */
	onReset?: () => void;
}

const tabId = Math.random().toString(36).slice(2);

/** Whether an update was made here (not from the server, the stored copy or another tab). */
function isLocal(origin: unknown): boolean {
	return origin === null || origin === undefined;
}

export function relayDocument(
	channelName: string,
	doc: Y.Doc,
	options: TabRelayOptions
): TabRelay | null {
	if (typeof BroadcastChannel === 'undefined') return null;
	const channel = new BroadcastChannel(channelName);
	let closed = false;
	const post = (message: RelayMessage) => {
		if (closed) return;
		try {
			channel.postMessage(message);
		} catch {
			// The channel is closing (page unloading): nothing to do.
		}
	};
	const onUpdate = (update: Uint8Array, origin: unknown) => {
		if (isLocal(origin)) post({ kind: 'update', update, sent: options.isSynced(), from: tabId });
	};
	channel.onmessage = (event: MessageEvent<RelayMessage>) => {
		const message = event.data;
		if (closed || !message || message.from === tabId) return;
		switch (message.kind) {
			case 'update':
				Y.applyUpdate(doc, message.update, message.sent ? RELAYED_SENT : RELAYED_UNSENT);
				break;
			case 'hello': {
				const missing = Y.encodeStateAsUpdate(doc, message.stateVector);
				// An empty update is two zero bytes: nothing the other tab lacks.
				if (missing.byteLength > 2) {
					post({ kind: 'update', update: missing, sent: options.isSynced(), from: tabId });
				}
				break;
			}
			case 'reset':
				options.onReset?.();
				break;
		}
	};
	doc.on('update', onUpdate);
	post({ kind: 'hello', stateVector: Y.encodeStateVector(doc), from: tabId });
	return {
		announceReset: () => post({ kind: 'reset', from: tabId }),
		close: () => {
			if (closed) return;
			closed = true;
			doc.off('update', onUpdate);
			channel.close();
		}
	};
}
