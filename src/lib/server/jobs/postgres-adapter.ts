import type { Db } from 'pg-boss';
import type { Sql } from '../db/database.ts';

/**
 * pg-boss over the app's own `postgres` client, for the embedded PGlite: it is one database
 * session (max 1 connection; pglite-socket refuses a second), so pg-boss cannot have a pool of
 * its own there and shares the app's. Three things make that safe:
 *
 * - every call runs on the reserved connection, and a failed call is followed by `ROLLBACK` on
 *   it before it is released: pg-boss sends `BEGIN; …; COMMIT` blocks as one text, and a failure
 *   in the middle would otherwise leave the shared session in an aborted transaction that breaks
 *   the app's next query;
 * - a text of several statements (no parameters) is sent as a simple query and the rows of
 *   every statement are returned, as node-postgres does (pg-boss reads a `RETURNING` that sits
 *   before the trailing `COMMIT`);
 * - parameters are passed the way node-postgres passes them (text, with `undefined` as null,
 *   objects as JSON, arrays as array literals), so the server infers their types from the SQL
 *   and JSON text reaches a jsonb parameter unchanged (TextParameter).
 */
export function postgresAdapter(sql: Sql): Db {
	return {
		async executeSql(text: string, values?: unknown[]) {
			const connection = await sql.reserve();
			try {
				if (values && values.length > 0) {
					const rows = await connection.unsafe(text, values.map(asParameter) as never[]);
					return { rows: [...rows] };
				}
				const result = (await connection.unsafe(text).simple()) as unknown[];
				return { rows: rowsOf(result) };
			} catch (error) {
				await connection.unsafe('ROLLBACK').catch(() => undefined);
				throw error;
			} finally {
				connection.release();
			}
		}
	};
}

/** A simple query of several statements answers an array of results, one per statement. */
function rowsOf(result: unknown[]): unknown[] {
	const multi = result.length > 0 && result.every((entry) => Array.isArray(entry));
	return multi ? (result as unknown[][]).flatMap((rows) => [...rows]) : [...result];
}

type Parameter = string | number | boolean | Date | Uint8Array | TextParameter | null;

/**
 * Text sent as is, whatever type the server gives the parameter. postgres.js serializes a value
 * by the type the server describes: `'' + value` for most (this is `toString`), but
 * `JSON.stringify` for json/jsonb, which would turn the JSON text node-postgres callers send
 * into a JSON string; `toJSON` hands it the parsed value instead, so the same JSON arrives.
 */
class TextParameter {
	readonly text: string;
	constructor(text: string) {
		this.text = text;
	}
	toString(): string {
		return this.text;
	}
	valueOf(): string {
		return this.text;
	}
	toJSON(): unknown {
		try {
			return JSON.parse(this.text);
		} catch {
			return this.text;
		}
	}
}

function asParameter(value: unknown): Parameter {
	if (value === undefined || value === null) return null;
	if (value instanceof Uint8Array || value instanceof Date) return value;
	if (typeof value === 'boolean' || typeof value === 'number') return value;
	// An array goes as an array literal (postgres.js passes a string to array types as is).
	if (Array.isArray(value)) return arrayLiteral(value);
	if (typeof value === 'object') return new TextParameter(JSON.stringify(value));
	return new TextParameter(String(value));
}

function arrayLiteral(values: unknown[]): string {
	const items = values.map((item) => {
		if (item === undefined || item === null) return 'NULL';
		if (Array.isArray(item)) return arrayLiteral(item);
		const text =
			item instanceof Date
				? item.toISOString()
				: typeof item === 'object'
					? JSON.stringify(item)
					: String(item);
		return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
	});
	return `{${items.join(',')}}`;
}
