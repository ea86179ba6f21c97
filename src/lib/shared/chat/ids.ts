/**
 * Only the canonical lowercase form is accepted, so that one id has exactly one spelling: two
 * spellings of a user id would be two areas of a document, two of a channel id two documents.
 * Postgres `gen_random_uuid()` and `crypto.randomUUID()` both produce this form.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isUuid(value: unknown): value is string {
	return typeof value === 'string' && UUID.test(value);
}

export function assertUuid(value: string, what: string): void {
	if (!isUuid(value)) throw new TypeError(`${what} must be a lowercase UUID, got ${value}`);
}

export function newId(): string {
	return crypto.randomUUID();
}

/**
 * The name `<prefix>.<id>` of a document of one owner's own (a person's feed, an organization's
 * presence); `owner` names the id in the error.
 */
export function ownedDocumentName(prefix: string, id: string, owner: string): string {
	if (!isUuid(id)) throw new TypeError(`${owner} id must be a lowercase UUID: ${id}`);
	return `${prefix}.${id}`;
}

/** The owner's id in a document name `<prefix>.<id>`, or null when it is not one. */
export function parseOwnedDocumentName(prefix: string, name: unknown): string | null {
	if (typeof name !== 'string' || name.length > 64) return null;
	const [found, id, ...rest] = name.split('.');
	return found === prefix && rest.length === 0 && isUuid(id) ? id : null;
}
