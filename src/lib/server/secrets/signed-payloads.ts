import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ServerSecretsRepository } from './server-secrets.repository.ts';

/**
 * Payloads signed for links that work without signing in (unsubscribe links, export downloads):
 * `<payload>.<signature>`, both base64url, the signature an HMAC-SHA256 of the JSON payload with
 * a key the server makes at first use and keeps in `server_secrets` (the same in every process).
 * Each kind of link has a key of its own, so one can never be passed off as another. Nothing is
 * stored per link: the link carries everything, and nothing in it changes without the key.
 */
export class SignedPayloads {
	#key: Promise<Buffer> | undefined;
	private readonly secrets: ServerSecretsRepository;
	private readonly keyName: string;

	constructor(secrets: ServerSecretsRepository, keyName: string) {
		this.secrets = secrets;
		this.keyName = keyName;
	}

	async sign(payload: object): Promise<string> {
		const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url');
		return `${encoded}.${await this.#signature(encoded)}`;
	}

	/**
	 * The payload of a token `sign` made, or null when it is malformed, forged or tampered with.
	 * With `readOnly`, a key not made yet means no token was ever signed: null, and nothing written.
	 */
	async open(token: string, { readOnly = false } = {}): Promise<unknown> {
		const [payload, signature, ...rest] = token.split('.');
		if (!payload || !signature || rest.length > 0 || token.length > 1024) return null;
		if (readOnly && !this.#key && (await this.secrets.get(this.keyName)) === null) return null;
		const expected = Buffer.from(await this.#signature(payload), 'base64url');
		const given = Buffer.from(signature, 'base64url');
		if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
		try {
			return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) ?? {};
		} catch {
			return null;
		}
	}

	async #signature(payload: string): Promise<string> {
		this.#key ??= this.secrets
			.getOrCreate(this.keyName, () => randomBytes(32).toString('base64url'))
			.then((value) => Buffer.from(value, 'base64url'));
		return createHmac('sha256', await this.#key)
			.update(payload)
			.digest('base64url');
	}
}
