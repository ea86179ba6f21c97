import { HocuspocusProvider } from '@hocuspocus/provider';
import { RELAYED_SENT } from './tab-relay.ts';

/**
 * A provider that sends changes only once the document is in sync. Changes made before (while
 * offline, or while reconnecting) stay in the document and reach the server in the sync
 * handshake; sending them ahead of it would put a gap in this client's history that the server
 * refuses ("resync"). Changes another tab of the person already sent (tab-relay.ts) are not
 * sent twice.
 */
export class SyncedProvider extends HocuspocusProvider {
	override documentUpdateHandler(update: Uint8Array, origin: unknown): void {
		if (!this.synced || origin === RELAYED_SENT) return;
		super.documentUpdateHandler(update, origin);
	}

	/** Starts over with the server after it closed this document: authenticate and sync again. */
	reconnectDocument(): void {
		this.detach();
		this.attach();
	}
}
