/**
 * Why the collaboration server closes a document's connection, or refuses to open it: one code
 * per thing the client does about it. Server and browser both take the code from here; the
 * close frame carries it as `<code>: <text>` (Hocuspocus passes only a reason string on to the
 * provider), and the text is for people: the code's own sentence, or the particulars of this
 * refusal (the update guard's finding, for instance).
 */
export const closeReasons = {
	/** No valid session: the person signs in again. */
	unauthenticated: { closeCode: 4401, text: 'sign in again' },
	/** The person may not read the conversation: the local copy is dropped. */
	forbidden: { closeCode: 4403, text: 'you do not have access' },
	/** No such document (or shard): an older shard is simply not loaded. */
	'invalid-document': { closeCode: 4403, text: 'no such document' },
	/** Access was lost while connected: the local copy is dropped. */
	'access-revoked': { closeCode: 4403, text: 'you no longer have access' },
	/** Rights changed (a project room ended, a role changed): connect again as what one is now. */
	'access-changed': { closeCode: 4403, text: 'reconnect' },
	/** The server cannot reach its database: keep everything and try again later. */
	unavailable: { closeCode: 4503, text: 'the server cannot reach its database' },
	/** An update overtook its sync (a gap in the sender's own history): sync again. */
	resync: { closeCode: 4422, text: 'the update depends on content the server does not have' },
	/**
	 * A sync carried others' changes the server lacks (it relayed them, then lost them in a
	 * crash): rebuild the copy from the server and send one's own changes again.
	 */
	stale: { closeCode: 4422, text: 'your copy holds changes the server does not have' },
	/** The update broke a rule: it is dropped and the person is told what did not land. */
	refused: { closeCode: 4422, text: 'the update was refused' },
	/** A frame that is not the protocol at all (RFC 6455: invalid payload data). */
	'malformed-frame': { closeCode: 1007, text: 'not a frame of the protocol' }
} as const satisfies Record<string, { closeCode: number; text: string }>;

export type CloseReasonCode = keyof typeof closeReasons;

/** The WebSocket close code and the reason string the server sends for `code`. */
export function closeReason(
	code: CloseReasonCode,
	text: string = closeReasons[code].text
): { code: number; reason: string } {
	return { code: closeReasons[code].closeCode, reason: `${code}: ${text}` };
}

/** The code and the text of a reason the server sent; code null for any other reason. */
export function parseCloseReason(reason: string): { code: CloseReasonCode | null; text: string } {
	const colon = reason.indexOf(':');
	const code = colon === -1 ? reason : reason.slice(0, colon);
	if (!Object.hasOwn(closeReasons, code)) return { code: null, text: reason };
	const text = colon === -1 ? '' : reason.slice(colon + 1).trim();
	return {
		code: code as CloseReasonCode,
		text: text || closeReasons[code as CloseReasonCode].text
	};
}
