import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors.ts';
import type { ServerSecretsRepository } from '../secrets/server-secrets.repository.ts';

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
 * Signed tokens for links in emails: `<payload>.<signature>`, both base64url, the signature an
 * HMAC-SHA256 of the payload with a key the server made at first start and keeps in the
 * database (the same in every process). No row per token: the link carries everything, and
 * nothing can be changed in it without the key.
 */
export class SignedTokens {
	#key: Promise<Buffer> | undefined;

	private readonly secrets: ServerSecretsRepository;

	constructor(secrets: ServerSecretsRepository) {
		this.secrets = secrets;
	}

	async sign(claims: TokenClaims): Promise<string> {
		const payload = Buffer.from(
			JSON.stringify({ p: claims.personId, u: claims.purpose, e: claims.expiresAt })
		).toString('base64url');
		return `${payload}.${await this.#signature(payload)}`;
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
		const [payload, signature, ...rest] = token.split('.');
		if (!payload || !signature || rest.length > 0 || token.length > 1024) throw invalid();
		const expected = Buffer.from(await this.#signature(payload), 'base64url');
		const given = Buffer.from(signature, 'base64url');
		if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
		let claims: unknown;
		try {
			claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
		} catch {
			throw invalid();
		}
		const { p, u, e } = (claims ?? {}) as { p?: unknown; u?: unknown; e?: unknown };
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

	async #signature(payload: string): Promise<string> {
		this.#key ??= this.secrets
			.getOrCreate(SECRET_NAME, () => randomBytes(32).toString('base64url'))
			.then((value) => Buffer.from(value, 'base64url'));
		return createHmac('sha256', await this.#key)
			.update(payload)
			.digest('base64url');
	}
}
