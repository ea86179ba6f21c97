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
