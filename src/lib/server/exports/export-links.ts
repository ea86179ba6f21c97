import { AppError } from '../errors.ts';
import type { ServerSecretsRepository } from '../secrets/server-secrets.repository.ts';
import { SignedPayloads } from '../secrets/signed-payloads.ts';

/** A download link of an export works this long after it was handed out. */
export const EXPORT_LINK_SECONDS = 15 * 60;

export interface ExportLinkClaims {
	exportId: string;
	personId: string;
	/** Seconds since the epoch. */
	expiresAt: number;
}

const SECRET_NAME = 'export-link-key';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Signed download links of exports (secrets/signed-payloads.ts, with a key of their own, so an
 * unsubscribe link can never be passed off as one): the export's id, its asker and the expiry
 * are in the link; nothing is stored per link.
 */
export class ExportLinks {
	private readonly signed: SignedPayloads;

	constructor(secrets: ServerSecretsRepository) {
		this.signed = new SignedPayloads(secrets, SECRET_NAME);
	}

	sign(claims: ExportLinkClaims): Promise<string> {
		return this.signed.sign({ x: claims.exportId, p: claims.personId, e: claims.expiresAt });
	}

	/** The claims of a link made by `sign` that has not expired: else EXPORT_LINK_INVALID / _EXPIRED. */
	async verify(token: string, now = new Date()): Promise<ExportLinkClaims> {
		const invalid = () =>
			new AppError(
				'EXPORT_LINK_INVALID',
				'This download link is not valid. Open the export again to get a new link.'
			);
		// Checking writes nothing: no key made yet means no link was ever signed.
		const claims = await this.signed.open(token, { readOnly: true });
		if (claims === null) throw invalid();
		const { x, p, e } = claims as { x?: unknown; p?: unknown; e?: unknown };
		if (
			typeof x !== 'string' ||
			!UUID.test(x) ||
			typeof p !== 'string' ||
			!UUID.test(p) ||
			typeof e !== 'number'
		) {
			throw invalid();
		}
		if (e * 1000 <= now.getTime()) {
			throw new AppError(
				'EXPORT_LINK_EXPIRED',
				'This download link has expired. Open the export again to get a new link.'
			);
		}
		return { exportId: x, personId: p, expiresAt: e };
	}
}
