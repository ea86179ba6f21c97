/**
 * The stable error codes of ConnectFlow. The server answers every failure with one of these
 * (JSON `{ error: { code, message, details? } }`); the browser keys its behaviour on the code,
 * never on the message.
 */
export const errorStatus = {
	BAD_REQUEST: 400,
	VALIDATION_FAILED: 422,
	/** Text with control characters, lone surrogates or direction overrides (see shared/text.ts). */
	INVALID_TEXT: 400,
	MALFORMED_JSON: 400,
	PAYLOAD_TOO_LARGE: 413,
	/** A file whose content is not of an accepted type (whatever its name says). */
	UNSUPPORTED_FILE_TYPE: 415,
	UNAUTHENTICATED: 401,
	INVALID_CREDENTIALS: 401,
	SESSION_EXPIRED: 401,
	ACCOUNT_DEACTIVATED: 403,
	ACCOUNT_PENDING: 403,
	FORBIDDEN: 403,
	NOT_FOUND: 404,
	CONFLICT: 409,
	EMAIL_TAKEN: 409,
	JOIN_CODE_INVALID: 400,
	WEAK_PASSWORD: 422,
	RATE_LIMITED: 429,
	/** An unsubscribe link that was not made by this server, or was changed. */
	UNSUBSCRIBE_LINK_INVALID: 400,
	/** An unsubscribe link past its expiry. */
	UNSUBSCRIBE_LINK_EXPIRED: 410,
	/** An export download link that was not made by this server, or was changed. */
	EXPORT_LINK_INVALID: 400,
	/** An export download link past its expiry. */
	EXPORT_LINK_EXPIRED: 410,
	/** A push subscription whose endpoint is not https or points inside the network. */
	PUSH_ENDPOINT_REFUSED: 422,
	/** A push subscription whose keys are not a P-256 public key and a 16-byte secret. */
	PUSH_KEYS_INVALID: 422,
	/** Deciding one's own approval request. */
	OWN_REQUEST: 403,
	/** Deciding an approval request routed to someone else. */
	NOT_APPROVER: 403,
	/** Deciding an approval request that was decided already. */
	ALREADY_DECIDED: 409,
	/** Asking for approval of what one may do already (or is already a member of). */
	ALREADY_ALLOWED: 409,
	/**
	 * A stored file encrypted with another key than the server's (FILES_ENCRYPTION_KEY or
	 * DATA_DIR/files.key): the operator's configuration, not the request, is wrong.
	 */
	FILE_KEY_MISMATCH: 500,
	/** A stored file whose encrypted bytes do not authenticate (changed or cut short on disk). */
	FILE_DAMAGED: 500,
	INTERNAL: 500,
	/** The server cannot reach its own database for now: try again after `Retry-After`. */
	SERVICE_UNAVAILABLE: 503
} as const;

export type ErrorCode = keyof typeof errorStatus;

export interface ErrorBody {
	error: { code: ErrorCode; message: string; details?: unknown };
}

export function isErrorBody(value: unknown): value is ErrorBody {
	if (typeof value !== 'object' || value === null || !('error' in value)) return false;
	const error = (value as { error: unknown }).error;
	return typeof error === 'object' && error !== null && 'code' in error && 'message' in error;
}
