import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';

export const SESSION_COOKIE = 'cf_session';

/** 160 random bits, as Lucia prescribes; only its SHA-256 ever reaches the database. */
export function generateSessionToken(): string {
	const bytes = new Uint8Array(20);
	crypto.getRandomValues(bytes);
	return encodeBase32LowerCaseNoPadding(bytes);
}

export function sessionIdFromToken(token: string): string {
	return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

/** Tokens we issue are 32 base32 characters; anything else is refused before a query. */
export function isWellFormedToken(token: string): boolean {
	return /^[a-z2-7]{32}$/.test(token);
}
