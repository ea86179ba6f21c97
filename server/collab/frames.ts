import * as decoding from 'lib0/decoding';
import { MessageType } from '@hocuspocus/server';
import { messageYjsSyncStep2, messageYjsUpdate } from 'y-protocols/sync';

/** The header of a Hocuspocus frame: the document's address and the message type. */
export interface FrameHeader {
	address: string;
	type: number;
}

/** The message types a client may send (Hocuspocus 4's protocol). */
const CLIENT_MESSAGE_TYPES: ReadonlySet<number> = new Set(
	Object.values(MessageType).filter(
		(value): value is number => typeof value === 'number' && value !== MessageType.Unknown
	)
);

/**
 * Reads a frame's header, or null when it is not a frame of the protocol at all (it does not
 * decode, or names no message type we know). Hocuspocus prints the stack of whatever such a
 * frame throws in its decoder, so it is refused before it gets there.
 */
export function frameHeader(message: Uint8Array): FrameHeader | null {
	try {
		const decoder = decoding.createDecoder(message);
		const address = decoding.readVarString(decoder);
		const type = decoding.readVarUint(decoder);
		return CLIENT_MESSAGE_TYPES.has(type) ? { address, type } : null;
	} catch {
		return null;
	}
}

/**
 * Whether a sync message carries a Yjs update to check and store: sync step 2 and update do,
 * step 1 carries only a state vector (y-protocols' message types).
 */
export function carriesUpdate(syncType: number): boolean {
	return syncType === messageYjsSyncStep2 || syncType === messageYjsUpdate;
}
