import { AppError } from '../errors.ts';
import type { ServerSecretsRepository } from '../secrets/server-secrets.repository.ts';
import { SignedPayloads } from '../secrets/signed-payloads.ts';

/** What a token lets its holder do without signing in. One purpose today. */
export type TokenPurpose = 'unsubscribe-email';

export interface TokenClaims {
	personId: string;
	purpose: TokenPurpose;
	/** Seconds since the epoch. */
	expiresAt: number;
}

/** An unsubscribe link keeps working this long after its email was sent. */
export const UNSUBSCRIBE_TOKEN_DAYS = 60;

const SECRET_NAME = 'link-signing-key';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Signed tokens for links in emails (secrets/signed-payloads.ts): the person, the purpose and the
 * expiry are in the link; nothing is stored per token.
 */
export class SignedTokens {
	private readonly signed: SignedPayloads;

	constructor(secrets: ServerSecretsRepository) {
		this.signed = new SignedPayloads(secrets, SECRET_NAME);
	}

	sign(claims: TokenClaims): Promise<string> {
		return this.signed.sign({ p: claims.personId, u: claims.purpose, e: claims.expiresAt });
	}

	/**
	 * The claims of a token made by `sign` for `purpose` that has not expired; otherwise
	 * UNSUBSCRIBE_LINK_INVALID (forged, tampered, another purpose, malformed) or
	 * UNSUBSCRIBE_LINK_EXPIRED.
	 */
	async verify(token: string, purpose: TokenPurpose, now = new Date()): Promise<TokenClaims> {
		const invalid = () =>
			new AppError(
				'UNSUBSCRIBE_LINK_INVALID',
				'This unsubscribe link is not valid. Use the link from the latest email, or change email notifications in your settings.'
			);
		const claims = await this.signed.open(token);
		if (claims === null) throw invalid();
		const { p, u, e } = claims as { p?: unknown; u?: unknown; e?: unknown };
		if (typeof p !== 'string' || !UUID.test(p) || u !== purpose || typeof e !== 'number') {
			throw invalid();
		}
		if (e * 1000 <= now.getTime()) {
			throw new AppError(
				'UNSUBSCRIBE_LINK_EXPIRED',
				'This unsubscribe link has expired. Change email notifications in your settings instead.'
			);
		}
		return { personId: p, purpose, expiresAt: e };
	}
}
